"""The block editor: a palette, the email's blocks in order, a form for the chosen block.

`editor.BlockEditor` puts them together (see its contract); `block_list`, `block_form`,
`palette` and `summaries` are its parts. Nothing here writes the model: every change is
asked for with a signal and comes back through `set_template`.
"""
