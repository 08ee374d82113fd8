"""`products import` through app.cli.main: output, line numbers and exit codes."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from app.cli import main
from engine.db import open_database
from engine.db.models import Product

DEMO_PRODUCTS = Path(__file__).resolve().parents[2] / "resources" / "demo" / "products.csv"


def products(db_url) -> dict[str, tuple]:
    db = open_database(db_url)
    try:
        with db.session() as session:
            return {p.sku: (p.name, p.price, p.currency, p.category)
                    for p in session.scalars(select(Product))}
    finally:
        db.dispose()


def write(tmp_path, text: str, name: str = "products.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_then_update_by_sku(db_url, tmp_path, capsys):
    first = write(tmp_path, "SKU,Name,Price,Currency,Category,URL,Image URL\n"
                            "MUG-1,Blue mug,12.5,eur,Kitchen,https://shop.example/mug,\n"
                            "TEA-2,Green tea,8,,Tea,,https://shop.example/tea.jpg\n")
    assert main(["--db", db_url, "products", "import", first]) == 0
    assert capsys.readouterr().out == "2 products added, 0 updated\n"
    again = write(tmp_path, "sku,name,price,currency,category\n"
                            "MUG-1,Blue mug,14,EUR,Kitchen\nPOT-3,Teapot,40,,Tea\n", "again.csv")
    assert main(["--db", db_url, "products", "import", again]) == 0
    assert capsys.readouterr().out == "1 product added, 1 updated\n"
    assert products(db_url) == {
        "MUG-1": ("Blue mug", Decimal("14.00"), "EUR", "Kitchen"),
        "TEA-2": ("Green tea", Decimal("8.00"), "USD", "Tea"),
        "POT-3": ("Teapot", Decimal("40.00"), "USD", "Tea"),
    }


def test_bad_rows_are_named_by_line_and_nothing_is_written(db_url, tmp_path, capsys):
    path = write(tmp_path, "sku,name,price,currency,url\n"
                           "MUG-1,Blue mug,12.5,USD,https://shop.example/mug\n"
                           "\n"
                           "TEA-2,,abc,EURO,ftp://shop.example/tea\n"
                           ",Nameless,1,USD,\n")
    report = tmp_path / "rejected.csv"
    assert main(["--db", db_url, "products", "import", path, "--report", str(report)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "2 bad rows: nothing was imported",
        ("line 4: TEA-2: name is empty; price 'abc' is not an amount such as 19.90; "
         "currency 'EURO' is not a three-letter code; url 'ftp://shop.example/tea' is not an "
         "http(s) address"),
        "line 5: sku is empty",
        f"Report of rejected rows written to {report}",
    ]
    with report.open(encoding="utf-8", newline="") as file:
        assert [row[:2] for row in csv.reader(file)] == [["line", "sku"], ["4", "TEA-2"], ["5", ""]]
    assert products(db_url) == {}


def test_unusable_files_and_usage_errors(db_url, tmp_path, capsys):
    no_sku = write(tmp_path, "name,price\nBlue mug,1\n")
    assert main(["--db", db_url, "products", "import", no_sku]) == 1
    assert "the header has no sku column" in capsys.readouterr().err
    empty = write(tmp_path, "", "empty.csv")
    assert main(["--db", db_url, "products", "import", empty]) == 1
    assert "empty.csv is empty" in capsys.readouterr().err
    assert main(["--db", db_url, "products", "import", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv: no such file" in capsys.readouterr().err


def test_the_demo_catalog_imports_cleanly(db_url, capsys):
    assert main(["--db", db_url, "products", "import", str(DEMO_PRODUCTS)]) == 0
    assert capsys.readouterr().out == "40 products added, 0 updated\n"
    catalog = products(db_url)
    categories = {category for _, _, _, category in catalog.values()}
    assert categories == {"Coffee", "Tea", "Kitchen", "Home"}
