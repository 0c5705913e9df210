"""The query language: a table of queries and the trees they parse to, and of errors.

Trees are written as s-expressions: ``w`` a word, ``"a b"`` a phrase, ``op:value`` an
operator, ``(and ...)``, ``(or ...)``, ``(not ...)``. Reference: Gmail's search help
(https://support.google.com/mail/answer/7190): OR binds tighter than AND, so ``a b OR c``
is ``a AND (b OR c)``; an explicit AND is a plain conjunction; parentheses override.
"""

from __future__ import annotations

import pytest

from mails.search import SearchError, normalize_query, parse, render
from mails.search.nodes import And, Field, Not, Or, Text


def sexpr(node) -> str:
    if node is None:
        return "()"
    if isinstance(node, Text):
        return node.words[0] if len(node.words) == 1 else '"' + " ".join(node.words) + '"'
    if isinstance(node, Field):
        return f"{node.name}:{node.value}"
    if isinstance(node, Not):
        return f"(not {sexpr(node.child)})"
    kind = "and" if isinstance(node, And) else "or"
    assert isinstance(node, (And, Or))
    return f"({kind} " + " ".join(sexpr(c) for c in node.children) + ")"


PARSES = [
    # words, case and accent folding
    ("invoice", "invoice"),
    ("Invoice", "invoice"),
    ("INVOICE", "invoice"),
    ("Café", "cafe"),
    ("naïve", "naive"),
    ("Straße", "strasse"),
    ("Ångström", "angstrom"),
    ("ﬁle", "file"),
    ("İstanbul", "istanbul"),
    ("ΣΊΣΥΦΟΣ", "σισυφοσ"),
    ("日本語", '"日本 本語"'),  # a CJK run is the phrase of its bigrams
    ("バス", "バス"),  # voiced kana keep their mark
    ("2024", "2024"),
    ("under_score", '"under score"'),
    # punctuation splits a bare token into an adjacent phrase; lone punctuation is ignored
    ("e-mail", '"e mail"'),
    ("foo.bar", '"foo bar"'),
    ("...", "()"),
    ("-", "()"),
    ("a - b", "(and a b)"),
    ("   ", "()"),
    ("", "()"),
    # implicit AND, explicit AND
    ("a b", "(and a b)"),
    ("a b c", "(and a b c)"),
    ("a AND b", "(and a b)"),
    ("a and b", "(and a and b)"),
    # OR, and precedence: OR binds tighter than AND (implicit or explicit), as in Gmail
    ("a OR b", "(or a b)"),
    ("a or b", "(and a or b)"),
    ("a OR b OR c", "(or a b c)"),
    ("a b OR c", "(and a (or b c))"),
    ("a OR b c", "(and (or a b) c)"),
    ("a b OR c d", "(and a (or b c) d)"),
    ("a OR b c OR d", "(and (or a b) (or c d))"),
    ("a (b OR c)", "(and a (or b c))"),
    ("(a OR b) c", "(and (or a b) c)"),
    ("(a b) OR c", "(or (and a b) c)"),
    ("a OR (b c)", "(or a (and b c))"),
    ("(a b) OR (c d)", "(or (and a b) (and c d))"),
    ("a AND b OR c", "(and a (or b c))"),
    ("a OR b AND c", "(and (or a b) c)"),
    ("a OR b AND c OR d", "(and (or a b) (or c d))"),
    ("-a OR b", "(or (not a) b)"),
    ("a OR -b", "(or a (not b))"),
    ("-a OR -b c", "(and (or (not a) (not b)) c)"),
    ("-(a OR b) c", "(and (not (or a b)) c)"),
    ("{a b} OR c", "(or a b c)"),
    ("a ... OR b", "(and a b)"),
    # braces: any of
    ("{a b}", "(or a b)"),
    ("{a b c}", "(or a b c)"),
    ("{a}", "a"),
    ("{a OR b}", "(or a b)"),
    ("{a b} c", "(and (or a b) c)"),
    ("{a -b}", "(or a (not b))"),
    ("{(a b) c}", "(or (and a b) c)"),
    ("-{a b}", "(not (or a b))"),
    ("{}", "()"),
    # parentheses
    ("(a)", "a"),
    ("((a))", "a"),
    ("(a b)", "(and a b)"),
    ("((a OR b) (c OR d))", "(and (or a b) (or c d))"),
    ("()", "()"),
    ("a () b", "(and a b)"),
    # negation
    ("-a", "(not a)"),
    ("--a", "a"),
    ("-(-a)", "a"),
    ("-(a b)", "(not (and a b))"),
    ("-(a OR b)", "(not (or a b))"),
    ('-"a b"', '(not "a b")'),
    ("-from:x", "(not from:x)"),
    ("a -b -c", "(and a (not b) (not c))"),
    ("-OR", "(not or)"),
    ("a-b", '"a b"'),
    # phrases, quoting and escaping
    ('"a b"', '"a b"'),
    ('"A  B"', '"a b"'),
    ('"a"', "a"),
    ('""', "()"),
    ('"a OR b"', '"a or b"'),
    ('"from:alice"', '"from alice"'),
    ('"(a b)"', '"a b"'),
    ('"a \\"b\\" c"', '"a b c"'),
    ('"back\\\\slash"', '"back slash"'),
    ('x"a b"y', '(and x "a b" y)'),
    # operators
    ("from:alice", "from:alice"),
    ("FROM:Alice", "from:alice"),
    ("from:alice@example.com", "from:alice@example.com"),
    ("from:@example.com", "from:@example.com"),
    ("to:bob", "to:bob"),
    ("cc:carol", "cc:carol"),
    ("bcc:dave", "bcc:dave"),
    ("subject:dinner", "subject:dinner"),
    ('subject:"dinner plans"', "subject:dinner plans"),
    ("subject:(dinner plans)", "(and subject:dinner subject:plans)"),
    ("subject:(dinner OR lunch)", "(or subject:dinner subject:lunch)"),
    ("subject:(dinner -lunch)", "(and subject:dinner (not subject:lunch))"),
    ("subject:{dinner lunch}", "(or subject:dinner subject:lunch)"),
    ('subject:("a b" c)', "(and subject:a b subject:c)"),
    ("from:(amy OR bob)", "(or from:amy from:bob)"),
    ("-subject:(a b)", "(not (and subject:a subject:b))"),
    ("label:work", "label:work"),
    ("label:Job search", "(and label:job search)"),
    ('label:"Job search"', "label:job-search"),
    ("label:Work/Projects", "label:work-projects"),
    ("in:inbox", "in:inbox"),
    ("in:anywhere", "in:anywhere"),
    ("in:trash", "in:trash"),
    ("is:unread", "is:unread"),
    ("is:READ", "is:read"),
    ("is:starred", "is:starred"),
    ("is:important", "is:important"),
    ("has:attachment", "has:attachment"),
    ("filename:pdf", "filename:pdf"),
    ("filename:report.pdf", "filename:report.pdf"),
    ("category:social", "category:social"),
    ("rfc822msgid:<abc@x.com>", "rfc822msgid:<abc@x.com>"),
    ("list:info@example.com", "list:info@example.com"),
    ("unknown:value", '"unknown value"'),
    ("http://example.com/x", '"http example com x"'),
    ("a:", "a"),
    # dates
    ("after:2024/02/29", "after:2024/02/29"),
    ("after:2024-2-3", "after:2024/02/03"),
    ("before:2004/04/18", "before:2004/04/18"),
    ("after:1388552400", "after:1388552400"),
    ("newer:2024/01/01", "after:2024/01/01"),
    ("older:2024/01/01", "before:2024/01/01"),
    ("newer_than:2d", "newer_than:2d"),
    ("older_than:3M", "older_than:3m"),
    ("newer_than:1y", "newer_than:1y"),
    # sizes
    ("larger:10M", "larger:10485760"),
    ("larger:10mb", "larger:10485760"),
    ("smaller:5K", "smaller:5120"),
    ("smaller:1000", "smaller:1000"),
    ("size:2048", "larger:2048"),
    # combined
    (
        "from:amy OR from:david subject:dinner",
        "(and (or from:amy from:david) subject:dinner)",
    ),
    (
        "from:x subject:y OR subject:z -label:w",
        "(and from:x (or subject:y subject:z) (not label:w))",
    ),
    (
        "subject:(offer OR interview) from:(greenhouse.io OR lever.co)",
        "(and (or subject:offer subject:interview) (or from:greenhouse.io from:lever.co))",
    ),
    ("subject:(a b OR c)", "(and subject:a (or subject:b subject:c))"),
    # the shape real job trackers send: the exclusions apply to every alternative
    (
        "after:2024/01/01 (interview schedule) OR (offer letter)"
        " AND -from:noreply -subject:newsletter",
        "(and after:2024/01/01 (or (and interview schedule) (and offer letter))"
        " (not from:noreply) (not subject:newsletter))",
    ),
    (
        "in:anywhere -in:trash is:unread {has:attachment larger:1M}",
        "(and in:anywhere (not in:trash) is:unread (or has:attachment larger:1048576))",
    ),
    # a value after a space is the operator's (Google's own help writes "from: amy@…")
    ("from: alice", "from:alice"),
    ("from: alice bob", "(and from:alice bob)"),
    ('subject: "job offer" x', "(and subject:job offer x)"),
    ("from: (a OR b)", "(or from:a from:b)"),
    ("from: alice, after: 2021/03/01", "(and from:alice, after:2021/03/01)"),
    # "|" is OR, as gmail-britta and exported filters write it
    ("a|b", "(or a b)"),
    ("a | b c", "(and (or a b) c)"),
    ("from:(foo@gmail.com|bar@hotmail.com)", "(or from:foo@gmail.com from:bar@hotmail.com)"),
    ("from:(a.com| b.com| c.com)", "(or from:a.com from:b.com from:c.com)"),
    ('subject:("buy this"|"buy now")', "(or subject:buy this subject:buy now)"),
    ('"a|b"', '"a b"'),
    # a "|" with nothing to join is punctuation, ignored as Gmail ignores it
    ("| a", "a"),
    ("a |", "a"),
    ("from:(a.com| b.com|)", "(or from:a.com from:b.com)"),
    ("a (| b)", "(and a b)"),
    ("a || b", "(or a b)"),
    ("a | OR b", "(or a b)"),
    ("has:userlabels -has:nouserlabels", "(and has:userlabels (not has:nouserlabels))"),
    # a quote left open is a phrase to the end, as Gmail reads it (filters lose their last quote)
    ('"abc', "abc"),
    ('a "b c', '(and a "b c")'),
    ('subject:"your application', "subject:your application"),
    ('a "b\\" c', '(and a "b c")'),  # the escaped quote is part of the phrase
]

ERRORS = [
    # (query, 1-based position, words the message contains)
    ("(a", 1, "unclosed '('"),
    ("a (b (c)", 3, "unclosed '('"),
    ("a)", 2, "unexpected ')'"),
    ("a }", 3, "unexpected '}'"),
    ("{a", 1, "unclosed '{'"),
    ("(a}", 1, "unclosed '('"),
    ("OR a", 1, "OR needs a search term before it"),
    ("a OR", 3, "OR needs a search term after it"),
    ("a OR OR b", 3, "OR needs a search term after it"),
    ("(OR a)", 2, "OR needs a search term before it"),
    ("(a OR)", 4, "OR needs a search term after it"),
    ("a OR AND b", 3, "OR needs a search term after it"),
    ("a AND OR b", 7, "OR needs a search term before it"),
    ("a (OR b)", 4, "OR needs a search term before it"),
    ("-)", 1, "'-' needs a search term"),
    ("from:", 1, "from: needs a value"),
    ("to: from:alice", 1, "to: needs a value"),
    ("subject: -x", 1, "subject: needs a value"),
    ("subject: OR x", 1, "subject: needs a value"),
    ("x subject:", 3, "subject: needs a value"),
    ('from:""', 1, "from: needs a value"),
    ("from:!!!", 1, "needs a word"),
    ("from:(to:x)", 7, "to: cannot be used inside from:"),
    ("is:foo", 1, "is:foo is not supported"),
    ("has:dropbox", 1, "has:dropbox is not supported"),  # has:drive is supported now
    ("category:bogus", 1, "category:bogus is not supported"),
    # operators Gmail has on state its API does not expose: refused, saying why
    ("is:snoozed", 1, "is:snoozed cannot be searched here"),
    ("a IN:Snoozed", 3, "in:Snoozed cannot be searched here"),
    ("in:scheduled", 1, "does not expose scheduled mail"),
    ("is:muted", 1, "does not expose muted conversations"),
    ("has:yellow-star", 1, "Gmail API, which does not expose star colours"),
    ("-has:blue-info", 2, "has:blue-info cannot be searched here"),
    ("has:(green-check OR red-bang)", 6, "has:green-check cannot be searched here"),
    ("a OR has:purple-question", 6, "does not expose star colours"),
    ("after:2024/02/30", 1, "impossible date"),
    ("a before:2023/13/01", 3, "impossible date"),
    ("after:2024/00/10", 1, "impossible date"),
    ("after:yesterday", 1, "after: takes a date"),
    ("after:2024/1", 1, "after: takes a date"),
    ("after:99999999999999", 1, "after: takes a date"),
    # errors name the operator as typed, not the one it is an alias of
    ("older:5d", 1, "older: takes a date"),
    ("x OLDER:5d", 3, "for an age use older_than:5d"),
    ("newer:5d", 1, "for an age use newer_than:5d"),
    ("after:3d", 1, "for an age use newer_than:3d"),
    ("newer:yesterday", 1, "newer: takes a date"),
    ("older:2024/02/30", 1, "impossible date '2024/02/30' for older:"),
    ("size:ten", 1, "size: takes a size"),
    ("older:", 1, "older: needs a value"),
    ("newer_than:2w", 1, "newer_than: takes a number"),
    ("older_than:d", 1, "older_than: takes a number"),
    ("newer_than:99999999y", 1, "newer_than: takes a number"),
    ("newer_than:500y", 1, "too far back"),
    ("larger:ten", 1, "larger: takes a size"),
    ("smaller:10G", 1, "smaller: takes a size"),
    ("larger:9999999999999M", 1, "larger: takes a size"),
    ("(" * 41 + "a" + ")" * 41, 41, "nested groups"),
]


@pytest.mark.parametrize(("query", "expected"), PARSES)
def test_a_query_parses_to_its_tree(query, expected) -> None:
    assert sexpr(parse(query)) == expected


@pytest.mark.parametrize(("query", "expected"), PARSES)
def test_the_canonical_form_parses_back_to_the_same_tree(query, expected) -> None:
    tree = parse(query)
    assert parse(render(tree)) == tree
    assert normalize_query(query) == render(tree)


@pytest.mark.parametrize(("query", "position", "message"), ERRORS)
def test_a_malformed_query_names_the_position(query, position, message) -> None:
    with pytest.raises(SearchError) as error:
        parse(query)
    assert error.value.position == position
    assert message in error.value.message
    assert error.value.message.endswith(f"at position {position}")
    assert error.value.code == "bad_query"


def test_a_query_too_long_is_refused_without_a_position(settings) -> None:
    assert settings.SEARCH_MAX_QUERY_CHARS == 16_000
    with pytest.raises(SearchError) as error:
        parse("a " * 8001)
    assert error.value.position is None
    assert "16002 characters long" in error.value.message
    assert "the limit is 16000 characters" in error.value.message


def test_the_limit_is_a_setting(settings) -> None:
    settings.SEARCH_MAX_QUERY_CHARS = 10
    with pytest.raises(SearchError, match="the limit is 10 characters"):
        parse("abcdef ghijk")
    assert parse("abcdef ghi") is not None


def test_a_query_of_16000_characters_with_a_thousand_ors_parses() -> None:
    # Real trackers send queries of thousands of characters; a loop, not recursion, reads
    # the ORs, so a thousand of them are no nearer Python's recursion limit than two.
    query = " OR ".join(f"from:sender{i:05}@example.com" for i in range(480))
    query += " -subject:x" * ((16_000 - len(query)) // 11)
    assert 15_990 <= len(query) <= 16_000
    tree = parse(query)
    assert isinstance(tree, And)
    assert isinstance(tree.children[0], Or)
    assert len(tree.children[0].children) == 480
    assert parse(render(tree)) == tree


def test_a_thousand_negations_and_ors_in_one_run() -> None:
    tree = parse(" OR ".join(["-a"] * 1000) + " " + "-" * 3000 + "b")
    assert isinstance(tree, And)
    assert tree.children[-1] == Text(("b",))


def test_the_table_is_large() -> None:
    assert len(PARSES) + len(ERRORS) >= 150


def test_equivalent_queries_have_one_canonical_form() -> None:
    same = ["From:Alice  Café", "from:alice cafe", "from:ALICE (CAFÉ)", "from:alice AND cafe"]
    assert {normalize_query(q) for q in same} == {"from:alice cafe"}


def test_normalize_query_folds_text_that_does_not_parse() -> None:
    assert normalize_query("(") == "("
    assert normalize_query("a)") == "a)"
    assert normalize_query('"') == ""  # a quote left open on nothing: the empty query
    assert normalize_query("É") == "e"
