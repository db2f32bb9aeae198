"""The runner stores outputs as Jupyter shows them."""

import nbformat
from tool_loader import load_tool

run_notebooks = load_tool("run_notebooks")


def test_a_line_printed_in_pieces_is_stored_as_one_output():
    cell = nbformat.v4.new_code_cell("train()")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="cnn: epoch"),
        nbformat.v4.new_output("stream", name="stdout", text=" 1"),
        nbformat.v4.new_output("stream", name="stdout", text=" 2 | test accuracy 0.966\n"),
        nbformat.v4.new_output("stream", name="stderr", text="a warning\n"),
        nbformat.v4.new_output("stream", name="stdout", text="done\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "figure"}),
        nbformat.v4.new_output("stream", name="stdout", text="after the figure\n"),
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("text"), cell])
    run_notebooks.merge_stream_outputs(notebook)
    kept = [(output.output_type, output.get("name"), output.get("text")) for output in notebook.cells[1].outputs]
    assert kept == [
        ("stream", "stdout", "cnn: epoch 1 2 | test accuracy 0.966\n"),
        ("stream", "stderr", "a warning\n"),
        ("stream", "stdout", "done\n"),
        ("display_data", None, None),
        ("stream", "stdout", "after the figure\n"),
    ]
    nbformat.validate(notebook)
