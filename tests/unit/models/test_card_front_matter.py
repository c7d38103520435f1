"""A model card's YAML front matter (``---`` on the first line, as in the Qwen blog's Hugo
page): split off before the tables are read, loaded with ``yaml.safe_load`` only; a
malformed, unsafe (``!!python/object``) or unclosed one is set aside with a reason naming
the document and the line, never raised, and the card's tables are still read. Each input
is ours, built after the kinds public bug reports describe."""
from __future__ import annotations

from pathlib import Path

from assets.models.cards import parse_model_card, read_card
from assets.models.markdown import split_front_matter
from tests.helpers import shared_path
from tests.helpers.models import CARDS

DOC = "test/card@0:README.md"
TABLE = ("| Benchmark | Model-A | Model-B |\n"
         "|---|---|---|\n"
         "| MMLU | 71.3 | 75.0 |\n"
         "| GSM8K | 55.0 | 61.8 |\n")


def _card(front: str) -> str:
    return f"---\n{front}---\n\n{TABLE}"


def _read_both_rows(df) -> None:
    """The card's two rows are read whatever its front matter (71.3 and 61.8: the TABLE)."""
    got = {(r.benchmark, r.model_name_raw): r.value for r in df.itertuples()}
    assert got[("MMLU", "Model-A")] == 71.3
    assert got[("GSM8K", "Model-B")] == 61.8
    assert len(got) == 4


def test_front_matter_is_read_and_is_not_a_heading():
    # without the split, markdown-it reads "# tags: ..." as a heading and names the table
    df = parse_model_card(_card('title: "A card"\n# tags: ["x"]\nweight: 1\n'), DOC,
                          evaluator="test")
    assert df.attrs["front_matter"] == {"title": "A card", "weight": 1}
    assert df.attrs["front_matter_set_aside"] is None
    assert set(df["table"]) == {"(no heading)"}
    _read_both_rows(df)


def test_malformed_front_matter_is_set_aside_naming_document_and_line():
    front = 'title: "A card"\ndate: [2024-09-19\nweight: 1\n'  # the [ never closes
    df = parse_model_card(_card(front), DOC, evaluator="test")
    reason = df.attrs["front_matter_set_aside"]
    assert reason.startswith(f"{DOC}, front matter, line ")
    assert "not safe YAML" in reason
    line = int(reason.split(", line ")[1].split(":")[0])
    assert 3 <= line <= 5  # the card's own line numbers (the "---" is line 1)
    assert df.attrs["front_matter"] is None
    _read_both_rows(df)


def test_a_python_tag_in_front_matter_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    front = (f'title: x\nhook: !!python/object/apply:os.system ["touch {marker}"]\n'
             f'other: !!python/object/apply:pathlib.Path.touch [!!python/object/apply:'
             f'pathlib.Path ["{marker}"]]\n')
    df = read_card(_card(front).encode(), "https://example.org/card.md", "qwen25_blog")
    reason = df.attrs["front_matter_set_aside"]
    assert "https://example.org/card.md, front matter, line 3" in reason
    assert "python/object/apply" in reason
    assert not marker.exists()
    _read_both_rows(df)


def test_unclosed_front_matter_is_set_aside_and_the_card_read_as_markdown():
    df = parse_model_card(f"---\ntitle: x\n\n{TABLE}", DOC, evaluator="test")
    assert "never closed" in df.attrs["front_matter_set_aside"]
    _read_both_rows(df)


def test_front_matter_that_is_not_a_mapping_is_set_aside():
    df = parse_model_card(_card("- a\n- b\n"), DOC, evaluator="test")
    assert "expected a mapping" in df.attrs["front_matter_set_aside"]
    _read_both_rows(df)


def test_body_keeps_the_line_numbers_of_the_card():
    text = "\ufeff" + _card("a: 1\nb: 2\n")
    front, body = split_front_matter(text, DOC)
    assert front.data == {"a": 1, "b": 2} and front.lines == 4
    assert body.splitlines()[4:] == text.splitlines()[4:]
    assert body.splitlines()[:4] == ["", "", "", ""]


def test_no_front_matter_leaves_the_text_alone():
    text = "# Title\n\n---\n\n" + TABLE  # a thematic break later is not front matter
    assert split_front_matter(text, DOC) == (None, text)


def test_the_qwen_blog_front_matter_is_read_and_its_tables_unchanged():
    """The real Qwen2.5 blog page (../shared/upstream) opens with Hugo front matter."""
    path: Path = shared_path("upstream") / "files" / CARDS["qwen25_blog"]
    text = path.read_text(encoding="utf-8")
    df = parse_model_card(text, DOC, source_id="qwen25_blog")
    assert df.attrs["front_matter_set_aside"] is None
    assert df.attrs["front_matter"]["title"].startswith("Qwen2.5-LLM")
    assert not df.empty
