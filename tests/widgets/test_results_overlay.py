"""What the Results overlay writes on cards and how thick it draws links."""

from widgets.canvas.results_overlay import THICK, THIN, card_lines, link_flows, link_width


def test_card_lines_for_any_step_an_email_and_the_goal():
    assert card_lines(None) == ("Nobody yet",)
    assert card_lines({"reached": 200, "dropped": 5, "dropped_rate": 0.025,
                       "conversions": 0}) == ("200 reached · 2.5 % dropped",)
    email = {"reached": 180, "dropped_rate": 0.0, "conversions": 0, "sent": 170,
             "open_rate": 0.4512, "click_rate": 0.1}
    assert card_lines(email) == ("170 sent · 45% open · 10% click",
                                 "180 reached · 0.0 % dropped")
    goal = {"reached": 40, "dropped_rate": 0.0, "conversions": 40, "revenue": 1234.5,
            "currency": "EUR"}
    assert card_lines(goal)[0] == "40 conversions · €1,234.50"


def test_links_out_of_a_fork_carry_who_took_the_port_others_the_smaller_reach():
    figures = {"t": {"reached": 100}, "w": {"reached": 90, "ports": {"event": 30, "timeout": 55}},
               "g": {"reached": 30}, "e": {"reached": 55}, "x": {"reached": 200}}
    flows = link_flows(figures, [("t", "next", "w"), ("w", "event", "g"),
                                 ("w", "timeout", "e"), ("e", "next", "x"), ("x", "next", "y")])
    assert flows == {("t", "next", "w"): 90, ("w", "event", "g"): 30,
                     ("w", "timeout", "e"): 55, ("e", "next", "x"): 55, ("x", "next", "y"): 0}
    assert link_width(90, 90) == THICK and link_width(0, 90) == THIN
    assert link_width(90 / 4, 90) == (THIN + THICK) / 2  # a quarter of the flow: half as thick
    assert link_width(5, 0) is None
