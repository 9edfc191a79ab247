"""One shared table of event-pattern behaviour, run through the reference and the index.

Each case is (pattern, event, expected match), written from AWS's documentation (the
EventBridge user guide pages on event patterns, content filtering and comparison
operators, null values and arrays) and from event-ruler's documented semantics, which
EventBridge runs. Where the two disagree the case follows what EventBridge does and says
so in its note. ``INVALID`` lists patterns compile_pattern must reject, each with a
fragment its message must contain.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Case(NamedTuple):
    pattern: Any
    event: dict[str, Any]
    expected: bool
    note: str = ""


def event(**detail: Any) -> dict[str, Any]:
    """An EventBridge envelope with the given detail."""
    return {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "EC2 Instance State-change Notification",
        "source": "aws.ec2",
        "account": "111122223333",
        "time": "2017-12-22T18:43:48Z",
        "region": "us-west-1",
        "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
        "detail": detail,
    }


def on(values: list[Any], value: Any, expected: bool, note: str = "") -> Case:
    """A case on one field, detail.x: pattern values against one event value."""
    return Case({"detail": {"x": values}}, event(x=value), expected, note)


def missing(values: list[Any], expected: bool, note: str = "") -> Case:
    """A case on detail.x when the event has no detail.x at all."""
    return Case({"detail": {"x": values}}, event(y="other"), expected, note)


CASES: list[Case] = []
add = CASES.append
extend = CASES.extend

# --- structure: envelope fields, nesting, AND across fields, OR within a field ----------
EC2 = event(**{"instance-id": "i-1234567890abcdef0", "state": "terminated"})
extend(
    [
        Case({"source": ["aws.ec2"]}, EC2, True, "top-level exact"),
        Case({"source": ["aws.s3"]}, EC2, False),
        Case({"source": ["aws.ec2", "aws.fargate"]}, EC2, True, "OR inside a field"),
        Case({"source": ["aws.fargate", "aws.s3"]}, EC2, False),
        Case(
            {
                "source": ["aws.ec2"],
                "detail-type": ["EC2 Instance State-change Notification"],
                "detail": {"state": ["terminated"]},
            },
            EC2,
            True,
            "the user guide's first example",
        ),
        Case({"source": ["aws.ec2"], "detail": {"state": ["running"]}}, EC2, False, "AND fails"),
        Case({"detail": {"state": ["terminated"]}}, EC2, True),
        Case({"detail": {"missing": ["terminated"]}}, EC2, False, "field absent"),
        Case({"state": ["terminated"]}, EC2, False, "nesting must match"),
        Case({"detail": {"state": {"name": ["terminated"]}}}, EC2, False, "deeper than event"),
        Case({"Source": ["aws.ec2"]}, EC2, False, "keys are case-sensitive"),
        Case({"source": ["AWS.EC2"]}, EC2, False, "values are case-sensitive"),
        Case({"source": ["aws.ec2 "]}, EC2, False, "no trimming"),
        Case({"detail": ["terminated"]}, EC2, False, "an object is not a leaf value"),
        Case(
            {"detail": {"my-key": ["my-value"]}},
            {**EC2, "detail": '{"my-key": "my-value"}'},
            False,
            "JSON inside a string is not parsed (recorded against AWS)",
        ),
        Case(
            {"detail": {"automations": {"id": [{"exists": True}]}}},
            event(automations=[{"key1": "v"}, {"id": "x"}, {"key2": "v"}]),
            True,
            "exists inside an array of objects (recorded against AWS)",
        ),
        Case(
            {"detail": {"x": [{"exists": True}, {"prefix": "IGNORED"}, {"suffix": "NOPE"}]}},
            event(x="my-value"),
            True,
            "several operators in one list are alternatives (recorded against AWS)",
        ),
        Case({"account": ["111122223333"]}, EC2, True),
        Case({"region": ["us-west-1", "us-east-1"]}, EC2, True),
        Case({"id": ["6a7e8feb-b491-4cf7-a9f1-bf3703467718"]}, EC2, True),
        Case(
            {"detail": {"a": {"b": {"c": {"d": ["deep"]}}}}},
            event(a={"b": {"c": {"d": "deep"}}}),
            True,
        ),
        Case(
            {"detail": {"a": {"b": {"c": {"d": ["deep"]}}}}},
            event(a={"b": {"c": {"e": "deep"}}}),
            False,
        ),
        Case(
            {"detail": {"state.status": ["running"]}},
            event(state={"status": "running"}),
            True,
            "AWS joins keys with dots: a dotted pattern key reaches a nested field",
        ),
        Case(
            {"detail": {"state": {"status": ["running"]}}},
            event(**{"state.status": "running"}),
            True,
            "and a dotted event key is reached by a nested pattern",
        ),
        Case(
            {"detail": {"state.status": {"status": ["running"]}}},
            event(state={"status": "running"}),
            False,
        ),
        Case({"detail": {"x": ["a"], "y": ["b"]}}, event(x="a", y="b"), True),
        Case({"detail": {"x": ["a"], "y": ["b"]}}, event(x="a", y="c"), False),
        Case({"detail": {"x": ["a"], "y": ["b"]}}, event(x="a"), False),
    ]
)

# --- exact values of every JSON type ----------------------------------------------------
extend(
    [
        on(["x"], "x", True),
        on(["x"], "y", False),
        on([""], "", True, "empty string"),
        on([""], None, False, "null and empty string are not interchangeable"),
        on([None], None, True, "null"),
        on([None], "", False),
        on([None], "null", False, "the string null is not null"),
        on(["null"], None, False),
        on([True], True, True, "boolean"),
        on([False], False, True),
        on([True], False, False),
        on([True], "true", False, "a string is not a boolean"),
        on(["true"], True, False),
        on([1], True, False, "booleans are not numbers"),
        on([True], 1, False),
        on([0], False, False),
        on([False], 0, False),
        on([5], 5, True, "integer"),
        on([5], 6, False),
        on([5], "5", False, "a string is not a number"),
        on(["5"], 5, False),
        on([-5], -5, True),
        on([5.5], 5.5, True),
        on([300], 300.0, True, "AWS matches 300 and 300.0 (the guide says otherwise)"),
        on([300.0], 300, True),
        on([0], -0.0, True),
        on([0.1], 0.1, True),
        on([0.1], 0.10000001, False),
        on([123456789012], 123456789012, True, "past the numeric range: compared as written"),
        on([123456789012], 123456789013, False),
        on([123456789012], 123456789012.0, False, "beyond the range 1.2e11 and the int differ"),
        on([5000000000], 5000000000.0, True, "the range's end is inside it"),
        on(["a", "b", "c"], "b", True),
        on(["a", "b", "c"], "d", False),
        on(["a", 1, None, True], None, True, "mixed types in one list"),
        on(["a", 1, None, True], 1, True),
        on(["a", 1, None, True], False, False),
        on(["Ünïcödé ✓"], "Ünïcödé ✓", True),
        on(["Ünïcödé ✓"], "Unicode", False),
        on(["a"], {"a": 1}, False, "an object is not a value"),
        on(["a"], [], False, "an empty array has no value"),
        on([None], [], False, "an empty array is not null"),
        on([None], {}, False),
    ]
)

# --- arrays in events ----------------------------------------------------------------------
extend(
    [
        on(["b"], ["a", "b", "c"], True, "any element matches"),
        on(["d"], ["a", "b", "c"], False),
        on(["a", "z"], ["y", "z"], True, "intersection is not empty"),
        on([1], [0, 1, 2], True),
        on([None], [None], True),
        on([None], ["a", None], True),
        on(["b"], [["a"], ["b"]], True, "nested arrays are crushed"),
        on(["c"], [["a"], ["b"]], False),
        on([{"prefix": "b"}], ["abc", "bcd"], True),
        on([{"numeric": [">", 10]}], [1, 5, 11], True),
        on([{"numeric": [">", 10]}], [1, 5, 9], False),
        Case(
            {"resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]},
            {
                "resources": [
                    "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56",
                    "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
                ]
            },
            True,
            "the user guide's arrays example",
        ),
        Case({"resources": ["x"]}, {"resources": []}, False),
        Case({"resources": [None]}, {"resources": []}, False, "recorded against AWS"),
    ]
)

# --- arrays of objects: array consistency --------------------------------------------------
EMPLOYEES = {
    "employees": [
        {"firstName": "John", "lastName": "Doe"},
        {"firstName": "Anna", "lastName": "Smith"},
        {"firstName": "Peter", "lastName": "Jones"},
    ]
}
NESTED = {
    "employees": [
        [{"firstName": "John", "lastName": "Doe"}, {"firstName": "Anna", "lastName": "Smith"}],
        [{"firstName": "Peter", "lastName": "Jones"}],
    ]
}
extend(
    [
        Case({"employees": {"firstName": ["Anna"]}}, EMPLOYEES, True, "crushed into the parent"),
        Case({"employees": {"firstName": ["Anna"], "lastName": ["Smith"]}}, EMPLOYEES, True),
        Case(
            {"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}},
            EMPLOYEES,
            False,
            "values from different elements are never combined",
        ),
        Case({"employees": {"firstName": ["Anna"]}}, NESTED, True, "multi-level arrays"),
        Case({"employees": {"firstName": ["Peter"], "lastName": ["Jones"]}}, NESTED, True),
        Case({"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}}, NESTED, False),
        Case({"employees": {"firstName": ["John"], "lastName": ["Smith"]}}, NESTED, False),
        Case(
            {"employees": {"firstName": [{"prefix": "A"}], "lastName": [{"suffix": "th"}]}},
            EMPLOYEES,
            True,
        ),
        Case(
            {"employees": {"firstName": [{"prefix": "J"}], "lastName": [{"suffix": "es"}]}},
            EMPLOYEES,
            False,
            "John and Jones are in different elements",
        ),
        Case(
            {"employees": {"firstName": ["John", "Peter"], "lastName": ["Jones"]}},
            EMPLOYEES,
            True,
            "Peter Jones, while John would not fit",
        ),
        Case(
            {"employees": {"firstName": ["Anna"]}, "source": ["x"]},
            {**EMPLOYEES, "source": "x"},
            True,
            "a field outside the array combines with any element",
        ),
        Case(
            {"a": {"b": {"c": ["1"], "d": ["2"]}}},
            {"a": [{"b": [{"c": "1"}, {"d": "2"}]}]},
            False,
            "inner arrays are arrays too",
        ),
        Case(
            {"a": {"b": {"c": ["1"], "d": ["2"]}}},
            {"a": [{"b": [{"c": "1", "d": "2"}]}]},
            True,
        ),
        Case(
            {"a": {"b": {"c": ["1"]}, "e": ["3"]}},
            {"a": [{"b": [{"c": "1"}, {"c": "9"}], "e": "3"}, {"e": "4"}]},
            True,
            "same outer element, any inner element",
        ),
        Case(
            {"a": {"b": {"c": ["9"]}, "e": ["4"]}},
            {"a": [{"b": [{"c": "1"}, {"c": "9"}], "e": "3"}, {"e": "4"}]},
            False,
        ),
        Case(
            {"a": {"x": ["1"], "y": [{"exists": False}]}},
            {"a": [{"x": "1"}, {"y": "2"}]},
            True,
            "absence is judged inside the element the branch uses",
        ),
        Case(
            {"a": {"x": ["1"], "y": [{"exists": False}]}},
            {"a": [{"x": "1", "y": "2"}]},
            False,
        ),
        Case(
            {"a": {"x": ["1"], "y": [{"exists": False}]}},
            {"a": [{"x": "1", "y": "2"}, {"x": "1"}]},
            True,
            "the second element has x and no y",
        ),
        Case(
            {"a": {"y": [{"exists": False}]}, "b": ["1"]},
            {"a": [{"y": "2"}], "b": "1"},
            False,
            "a field outside the array cannot escape the array's values",
        ),
        Case(
            {"a": {"x": ["1"], "y": [{"anything-but": "2"}]}},
            {"a": [{"x": "1", "y": "2"}, {"x": "0", "y": "3"}]},
            False,
            "anything-but is consistent too",
        ),
        Case(
            {"a": {"x": ["1"], "y": [{"anything-but": "2"}]}},
            {"a": [{"x": "1", "y": "2"}, {"x": "1", "y": "3"}]},
            True,
        ),
        Case(
            {"a": {"x": [{"exists": True}], "y": [{"exists": True}]}},
            {"a": [{"x": 1}, {"y": 2}]},
            False,
        ),
        Case(
            {"a": {"x": [{"exists": True}], "y": [{"exists": True}]}},
            {"a": [{"x": 1}, {"x": 3, "y": 2}]},
            True,
        ),
        Case(
            {"a": {"x": [{"numeric": [">", 5]}], "y": ["big"]}},
            {"a": [{"x": 1, "y": "big"}, {"x": 9, "y": "small"}]},
            False,
        ),
        Case(
            {"a": {"x": [{"numeric": [">", 5]}], "y": ["big"]}},
            {"a": [{"x": 1, "y": "small"}, {"x": 9, "y": "big"}]},
            True,
        ),
    ]
)

# --- prefix, suffix, equals-ignore-case -----------------------------------------------------
extend(
    [
        Case({"time": [{"prefix": "2017-12-22"}]}, EC2, True, "the guide's prefix example"),
        Case({"time": [{"prefix": "2017-10-02"}]}, EC2, False),
        on([{"prefix": "us-"}], "us-east-1", True),
        on([{"prefix": "us-"}], "eu-west-1", False),
        on([{"prefix": "us-"}], "us-", True, "the prefix itself"),
        on([{"prefix": "us-"}], "us", False, "shorter than the prefix"),
        on([{"prefix": "US-"}], "us-east-1", False, "prefix is case-sensitive"),
        on([{"prefix": ""}], "anything", True, "an empty prefix matches any string"),
        on([{"prefix": ""}], 5, False, "but no number"),
        on([{"prefix": "1"}], 123, False, "prefix works on strings only"),
        on([{"prefix": "t"}], True, False),
        on([{"prefix": "n"}], None, False),
        on([{"prefix": "a"}, {"prefix": "b"}], "bcd", True),
        on([{"prefix": "ab"}, {"prefix": "abc"}], "abcd", True, "overlapping prefixes"),
        on([{"prefix": "abcde"}], "abcd", False),
        on([{"prefix": "ü"}], "über", True),
        on([{"prefix": {"equals-ignore-case": "EventB"}}], "eventbridge", True),
        on([{"prefix": {"equals-ignore-case": "EventB"}}], "EVENTBRIDGE", True),
        on([{"prefix": {"equals-ignore-case": "eventb"}}], "EventBus", True),
        on([{"prefix": {"equals-ignore-case": "eventb"}}], "Event", False),
        on([{"prefix": {"equals-ignore-case": "eventb"}}], "xEventB", False),
        on([{"prefix": {"equals-ignore-case": "1"}}], 1, False),
        on([{"suffix": ".png"}], "image.png", True),
        on([{"suffix": ".png"}], "image.PNG", False, "suffix is case-sensitive"),
        on([{"suffix": ".png"}], "image.png.zip", False),
        on([{"suffix": ".png"}], ".png", True),
        on([{"suffix": ".png"}], "png", False),
        on([{"suffix": "5"}], 5, False, "suffix works on strings only"),
        on([{"suffix": "ec2"}], "aws.ec2", True),
        on([{"suffix": ".png"}, {"suffix": ".jpg"}], "a.jpg", True),
        on([{"suffix": "g"}, {"suffix": "ng"}], "a.png", True),
        on([{"suffix": {"equals-ignore-case": ".png"}}], "image.PNG", True),
        on([{"suffix": {"equals-ignore-case": ".PNG"}}], "image.png", True),
        on([{"suffix": {"equals-ignore-case": ".png"}}], "image.pnG", True),
        on([{"suffix": {"equals-ignore-case": ".png"}}], "image.jpg", False),
        on([{"equals-ignore-case": "EC2"}], "ec2", True),
        on([{"equals-ignore-case": "EC2"}], "Ec2", True),
        on([{"equals-ignore-case": "ec2"}], "EC2", True),
        on([{"equals-ignore-case": "ec2"}], "ec22", False),
        on([{"equals-ignore-case": "ec2"}], "ec", False),
        on([{"equals-ignore-case": ""}], "", True),
        on([{"equals-ignore-case": ""}], "a", False),
        on([{"equals-ignore-case": "true"}], True, False, "strings only"),
        on([{"equals-ignore-case": "ÄBC"}], "äbc", True),
        on(["ec2", {"equals-ignore-case": "S3"}], "s3", True),
    ]
)

# --- wildcard ----------------------------------------------------------------------------
extend(
    [
        on([{"wildcard": "Simple*Service"}], "SimpleQueueService", True),
        on([{"wildcard": "Simple*Service"}], "SimpleService", True, "a star matches nothing"),
        on([{"wildcard": "Simple*Service"}], "SimpleQueueServiceX", False),
        on([{"wildcard": "Simple*Service"}], "XSimpleService", False),
        on([{"wildcard": "*"}], "anything", True),
        on([{"wildcard": "*"}], "", True),
        on([{"wildcard": "*"}], 5, False, "wildcard works on strings only"),
        on([{"wildcard": "*"}], None, False),
        on([{"wildcard": "abc"}], "abc", True, "no star: exact"),
        on([{"wildcard": "abc"}], "abcd", False),
        on([{"wildcard": "*.png"}], "dir/file.png", True),
        on([{"wildcard": "*.png"}], "dir/file.jpg", False),
        on([{"wildcard": "dir/*"}], "dir/file", True),
        on([{"wildcard": "dir/*"}], "other/file", False),
        on([{"wildcard": "*/lib/*"}], "/usr/lib/x", True),
        on([{"wildcard": "*/lib/*"}], "/usr/lib", False),
        on([{"wildcard": "a*b*c"}], "aXXbYYc", True),
        on([{"wildcard": "a*b*c"}], "abc", True),
        on([{"wildcard": "a*b*c"}], "acb", False),
        on([{"wildcard": "a*a"}], "a", False, "one character cannot be both ends"),
        on([{"wildcard": "a*a"}], "aa", True),
        on([{"wildcard": r"a\*b"}], "a*b", True, "an escaped star is a literal star"),
        on([{"wildcard": r"a\*b"}], "aXb", False),
        on([{"wildcard": r"a\\b"}], "a\\b", True, "an escaped backslash is one backslash"),
        on([{"wildcard": r"a\\*"}], "a\\anything", True),
        on([{"wildcard": r"\**"}], "*star", True),
        on([{"wildcard": r"\**"}], "star", False),
        on([{"wildcard": "a.c"}], "abc", False, "a dot is not special"),
        on([{"wildcard": "a?c"}], "abc", False, "a question mark is not special"),
        on([{"wildcard": "(a)*"}], "(a)b", True, "regex characters are literal"),
        on([{"wildcard": "*line*"}], "first\nline\nlast", True, "newlines inside the value"),
        on(
            [{"wildcard": "arn:aws:events:*:*:event-bus/*"}],
            "arn:aws:events:us-east-1:1:event-bus/b",
            True,
        ),
        on(
            [{"wildcard": "/Users/*/dir/dir/dir/dir/dir/doc.txt"}],
            "/Users/ls/dir/dir/dir/dir/dir/doc.txt",
            True,
        ),
        on([{"wildcard": "x*"}, {"wildcard": "*y"}], "aay", True),
        on([{"wildcard": "x*"}, {"wildcard": "*y"}], "aaz", False),
    ]
)

# --- numeric ------------------------------------------------------------------------------
NUMBERS = event(**{"c-count": 5, "d-count": 3, "x-limit": 301.8})
extend(
    [
        Case(
            {
                "detail": {
                    "c-count": [{"numeric": [">", 0, "<=", 5]}],
                    "d-count": [{"numeric": ["<", 10]}],
                    "x-limit": [{"numeric": ["=", 3.018e2]}],
                }
            },
            NUMBERS,
            True,
            "the guide's numeric example",
        ),
        Case({"detail": {"c-count": [{"numeric": [">", 5]}]}}, NUMBERS, False),
        on([{"numeric": ["=", 3]}], 3, True),
        on([{"numeric": ["=", 3]}], 3.0, True, "3 and 3.0 are the same number"),
        Case('{"detail": {"x": [{"numeric": ["=", 300e-2]}]}}', event(x=3), True, "300e-2 is 3"),
        Case('{"detail": {"x": [{"numeric": ["=", 3.0e2]}]}}', event(x=300), True),
        on([{"numeric": ["=", 3]}], 3.000001, False),
        on([{"numeric": ["=", 0]}], -0.0, True),
        on([{"numeric": ["<", 10]}], 9.999, True),
        on([{"numeric": ["<", 10]}], 10, False),
        on([{"numeric": ["<=", 10]}], 10, True),
        on([{"numeric": ["<=", 10]}], 10.0001, False),
        on([{"numeric": [">", 10]}], 10, False),
        on([{"numeric": [">", 10]}], 10.5, True),
        on([{"numeric": [">=", 10]}], 10, True),
        on([{"numeric": [">=", 10]}], 9.99, False),
        on([{"numeric": [">", 0, "<", 10]}], 0, False),
        on([{"numeric": [">", 0, "<", 10]}], 10, False),
        on([{"numeric": [">", 0, "<", 10]}], 5, True),
        on([{"numeric": [">=", 0, "<=", 10]}], 0, True),
        on([{"numeric": [">=", 0, "<=", 10]}], 10, True),
        on([{"numeric": [">=", 0, "<=", 10]}], -1, False),
        on([{"numeric": [">=", 5, "<=", 5]}], 5, True, "a one-point range"),
        on([{"numeric": [">", -10, "<", -5]}], -7.5, True),
        on([{"numeric": [">", -10, "<", -5]}], -5, False),
        on([{"numeric": [">", 100]}], 101.0, True, "recorded against AWS"),
        on([{"numeric": [">", 0.5]}], 0.500001, True),
        on([{"numeric": ["<", 0.000001]}], 0, True),
        on([{"numeric": [">", 0]}], "5", False, "numeric never matches a string"),
        on([{"numeric": [">", 0]}], True, False, "nor a boolean"),
        on([{"numeric": [">=", 0]}], False, False),
        on([{"numeric": [">", 0]}], None, False, "nor null"),
        on([{"numeric": ["<", 0]}], [], False),
        on([{"numeric": [">", 0]}], 6000000000, False, "beyond 5e9 numbers do not compare"),
        on([{"numeric": ["<", 0]}], -6000000000, False),
        on([{"numeric": [">=", 4999999999]}], 5000000000, True, "5e9 itself is in range"),
        on([{"numeric": ["<=", -5000000000]}], -5000000000, True),
        on([{"numeric": [">", 0]}], 1e-9, True, "small values still compare"),
        on([{"numeric": ["<", 5]}, {"numeric": [">", 10]}], 12, True, "OR of ranges"),
        on([{"numeric": ["<", 5]}, {"numeric": [">", 10]}], 7, False),
        on([{"numeric": ["<", 5]}, 7], 7, True, "a range or an exact number"),
        missing([{"numeric": [">", 0]}], False),
    ]
)

# --- exists ---------------------------------------------------------------------------------
extend(
    [
        on([{"exists": True}], "a", True),
        on([{"exists": True}], 0, True),
        on([{"exists": True}], False, True),
        on([{"exists": True}], "", True, "an empty string exists"),
        on([{"exists": True}], None, True, "null is a value: the field exists"),
        on([{"exists": True}], [], False, "an empty array has no leaf (recorded against AWS)"),
        on([{"exists": True}], {}, False, "an empty object has no leaf"),
        on([{"exists": True}], {"c1": 100}, False, "exists looks at leaves only"),
        on([{"exists": True}], ["a"], True),
        on([{"exists": True}], [None], True),
        missing([{"exists": True}], False),
        on([{"exists": False}], "a", False),
        on([{"exists": False}], None, False, "null is present"),
        on([{"exists": False}], "", False),
        on([{"exists": False}], [], True, "an empty array leaves the field without a value"),
        on([{"exists": False}], {}, True),
        on([{"exists": False}], {"c1": 100}, True, "the guide: c-count is not a leaf"),
        missing([{"exists": False}], True),
        Case({"detail": {"c-count": [{"exists": False}]}}, NUMBERS, False),
        Case({"detail": {"c-count": [{"exists": True}]}}, NUMBERS, True),
        Case({"nothing": [{"exists": False}]}, EC2, True, "a top-level absent field"),
        Case({"source": [{"exists": False}]}, EC2, False),
        Case(
            {"detail": {"x": [{"exists": False}]}, "source": ["aws.ec2"]},
            EC2,
            True,
            "absence and a value together",
        ),
        Case(
            {"detail": {"state": [{"exists": False}]}, "source": ["aws.ec2"]},
            EC2,
            False,
        ),
        Case({"detail": {"a": [{"exists": False}], "b": [{"exists": False}]}}, EC2, True),
        on([{"exists": False}, "a"], "a", True, "absent or a: present and a"),
        on([{"exists": False}, "a"], "b", False),
        missing([{"exists": False}, "a"], True),
        on([{"exists": True}, {"exists": False}], "a", True, "present or absent: always"),
        missing([{"exists": True}, {"exists": False}], True),
        Case(
            {
                "dynamodb": {
                    "NewImage": {
                        "homemade": {"S": [{"anything-but": ["roses"]}, {"exists": False}]}
                    }
                }
            },
            {"dynamodb": {"NewImage": {"purchased": {"N": "789"}}}},
            True,
            "recorded against AWS: anything-but or absent, when absent",
        ),
        Case(
            {
                "dynamodb": {
                    "NewImage": {
                        "homemade": {"S": [{"anything-but": ["roses"]}, {"exists": False}]}
                    }
                }
            },
            {"dynamodb": {"NewImage": {"homemade": {"S": "roses"}}}},
            False,
        ),
        Case(
            {
                "dynamodb": {
                    "NewImage": {
                        "homemade": {"S": [{"anything-but": ["roses"]}, {"exists": False}]}
                    }
                }
            },
            {"dynamodb": {"NewImage": {"homemade": {"S": "tulips"}}}},
            True,
        ),
    ]
)

# --- anything-but ---------------------------------------------------------------------------
extend(
    [
        on([{"anything-but": "initializing"}], "running", True),
        on([{"anything-but": "initializing"}], "initializing", False),
        on([{"anything-but": "initializing"}], "INITIALIZING", True, "case-sensitive"),
        on([{"anything-but": "initializing"}], None, True, "null is not the string (recorded)"),
        on([{"anything-but": "initializing"}], 5, True, "a number is not the string"),
        on([{"anything-but": "initializing"}], True, True),
        on([{"anything-but": "initializing"}], "", True),
        missing([{"anything-but": "initializing"}], False, "anything-but needs a value"),
        on([{"anything-but": "initializing"}], [], False, "an empty array gives no value"),
        on([{"anything-but": "a"}], ["a", "b"], True, "some element is not a"),
        on([{"anything-but": "a"}], ["a", "a"], False),
        on([{"anything-but": ["stopped", "overloaded"]}], "running", True),
        on([{"anything-but": ["stopped", "overloaded"]}], "stopped", False),
        on([{"anything-but": ["stopped", "overloaded"]}], "overloaded", False),
        on([{"anything-but": ["stopped", "overloaded"]}], None, True),
        on([{"anything-but": 123}], 124, True),
        on([{"anything-but": 123}], 123, False),
        on([{"anything-but": 123}], 123.0, False, "numbers compare as numbers"),
        on([{"anything-but": 123}], "123", True, "a string is not the number"),
        on([{"anything-but": 0}], 789, True, "recorded against AWS"),
        on([{"anything-but": 0}], 0, False),
        on([{"anything-but": 0}], False, True, "false is not zero"),
        on([{"anything-but": [100, 200, 300]}], 150, True),
        on([{"anything-but": [100, 200, 300]}], 200, False),
        on([{"anything-but": [100, 200, 300]}], 300.0, False),
        on([{"anything-but": [100, 200, 300]}], None, True),
        on([{"anything-but": [1.5, 2.5]}], 1.5, False),
        on([{"anything-but": {"prefix": "init"}}], "running", True),
        on([{"anything-but": {"prefix": "init"}}], "initializing", False),
        on([{"anything-but": {"prefix": "init"}}], "init", False),
        on([{"anything-but": {"prefix": "init"}}], "INIT", True),
        on([{"anything-but": {"prefix": "init"}}], 12, True, "recorded against AWS"),
        on([{"anything-but": {"prefix": "init"}}], None, True),
        missing([{"anything-but": {"prefix": "init"}}], False),
        on([{"anything-but": {"prefix": ["us-", "eu-"]}}], "ap-south-1", True),
        on([{"anything-but": {"prefix": ["us-", "eu-"]}}], "eu-west-1", False),
        on([{"anything-but": {"suffix": ".png"}}], "a.jpg", True),
        on([{"anything-but": {"suffix": ".png"}}], "a.png", False),
        on([{"anything-but": {"suffix": ".png"}}], "a.PNG", True),
        on([{"anything-but": {"suffix": ".png"}}], None, True),
        on([{"anything-but": {"suffix": [".png", ".txt"]}}], "a.txt", False),
        on([{"anything-but": {"suffix": [".png", ".txt"]}}], "a.doc", True),
        on([{"anything-but": {"equals-ignore-case": "initializing"}}], "INITIALIZING", False),
        on([{"anything-but": {"equals-ignore-case": "initializing"}}], "Initializing", False),
        on([{"anything-but": {"equals-ignore-case": "initializing"}}], "running", True),
        on([{"anything-but": {"equals-ignore-case": "initializing"}}], None, True),
        on([{"anything-but": {"equals-ignore-case": ["Stopped", "Overloaded"]}}], "STOPPED", False),
        on([{"anything-but": {"equals-ignore-case": ["Stopped", "Overloaded"]}}], "run", True),
        on([{"anything-but": {"wildcard": "*/lib/*"}}], "/usr/lib/x", False),
        on([{"anything-but": {"wildcard": "*/lib/*"}}], "/usr/bin/x", True),
        on([{"anything-but": {"wildcard": "*/dir/*"}}], 123, True, "recorded against AWS"),
        on([{"anything-but": {"wildcard": "*/dir/*"}}], None, True),
        on([{"anything-but": {"wildcard": ["*.png", "*.jpg"]}}], "a.jpg", False),
        on([{"anything-but": {"wildcard": ["*.png", "*.jpg"]}}], "a.gif", True),
        missing([{"anything-but": {"wildcard": "*"}}], False),
        on([{"anything-but": {"wildcard": "*"}}], "", False),
        on([{"anything-but": {"wildcard": "*"}}], 1, True),
        on([{"anything-but": {"wildcard": ""}}], "dir/init/file", True, "recorded against AWS"),
        on([{"anything-but": {"wildcard": ""}}], "", False),
        on([{"numeric": [">", 100]}, {"anything-but": "101"}], "42", True, "recorded against AWS"),
        on([{"numeric": [">", 100]}, {"anything-but": "101"}], "101", False),
        on(["running", {"anything-but": "running"}], "running", True, "OR with the opposite"),
        on([{"anything-but": "a"}, {"anything-but": "b"}], "a", True, "a is not b"),
        on([{"anything-but": "a"}, {"anything-but": "b"}], "c", True),
    ]
)

# --- cidr --------------------------------------------------------------------------------------
extend(
    [
        on([{"cidr": "10.0.0.0/24"}], "10.0.0.33", True, "the guide's IP example"),
        on([{"cidr": "10.0.0.0/24"}], "10.0.0.255", True),
        on([{"cidr": "10.0.0.0/24"}], "10.0.1.0", False),
        on([{"cidr": "10.0.0.0/24"}], "10.0.0.0", True),
        on([{"cidr": "10.0.0.0/8"}], "10.255.3.4", True),
        on([{"cidr": "10.0.0.0/8"}], "11.0.0.1", False),
        on([{"cidr": "0.0.0.0/0"}], "203.0.113.9", True),
        on([{"cidr": "192.168.1.7/32"}], "192.168.1.7", True),
        on([{"cidr": "192.168.1.7/32"}], "192.168.1.8", False),
        on([{"cidr": "10.0.0.1/24"}], "10.0.0.200", True, "host bits in the block are ignored"),
        on([{"cidr": "10.0.0.0/24"}], "not an ip", False),
        on([{"cidr": "10.0.0.0/24"}], 10, False, "cidr works on strings only"),
        on([{"cidr": "10.0.0.0/24"}], None, False),
        on([{"cidr": "10.0.0.0/24"}], "10.0.0.33/32", False, "a block is not an address"),
        on([{"cidr": "2001:db8:1234:1a00::/64"}], "2001:db8:1234:1a00::1", True),
        on([{"cidr": "2001:db8:1234:1a00::/64"}], "2001:db8:1234:1a00:ffff:ffff:ffff:ffff", True),
        on([{"cidr": "2001:db8:1234:1a00::/64"}], "2001:db8:1234:1a01::1", False),
        on([{"cidr": "2001:db8:1234:1a00::/64"}], "2001:DB8:1234:1A00::9", True, "hex case"),
        on([{"cidr": "::/0"}], "10.0.0.1", False, "IPv4 is not inside an IPv6 block"),
        on([{"cidr": "0.0.0.0/0"}], "::1", False),
        on([{"cidr": "10.0.0.0/24"}, {"cidr": "10.0.2.0/24"}], "10.0.2.9", True),
        on([{"cidr": "10.0.0.0/24"}, {"cidr": "10.0.2.0/24"}], "10.0.1.9", False),
        on([{"cidr": "10.0.0.0/16"}, {"cidr": "10.0.1.0/24"}], "10.0.1.9", True, "nested blocks"),
    ]
)

# --- $or -----------------------------------------------------------------------------------
OR_SIMPLE = {
    "source": ["aws.cloudwatch"],
    "$or": [
        {"metricName": ["CPUUtilization", "ReadLatency"]},
        {"namespace": ["AWS/EC2", "AWS/ES"]},
    ],
}
OR_PARALLEL = {
    "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}],
    "detail": {"$or": [{"source": ["aws.cloudwatch"]}, {"detail-type": ["Alarm"]}]},
}
OR_NESTED = {
    "source": ["aws.cloudwatch"],
    "$or": [
        {"metricName": ["CPUUtilization", "ReadLatency"]},
        {
            "metricType": ["MetricType"],
            "namespace": ["AWS/EC2", "AWS/ES"],
            "$or": [{"metricId": [1234]}, {"spaceId": [1000]}],
        },
        {"scope": ["Service"]},
    ],
}
extend(
    [
        Case(OR_SIMPLE, {"source": "aws.cloudwatch", "metricName": "ReadLatency"}, True),
        Case(OR_SIMPLE, {"source": "aws.cloudwatch", "namespace": "AWS/ES"}, True),
        Case(OR_SIMPLE, {"source": "aws.cloudwatch", "namespace": "AWS/S3"}, False),
        Case(OR_SIMPLE, {"source": "aws.ec2", "metricName": "ReadLatency"}, False),
        Case(OR_SIMPLE, {"metricName": "ReadLatency"}, False),
        Case(
            OR_PARALLEL,
            {"namespace": "AWS/EC2", "detail": {"detail-type": "Alarm"}},
            True,
        ),
        Case(
            OR_PARALLEL,
            {"metricName": "CPUUtilization", "detail": {"source": "aws.cloudwatch"}},
            True,
        ),
        Case(OR_PARALLEL, {"namespace": "AWS/EC2", "detail": {"source": "other"}}, False),
        Case(OR_PARALLEL, {"detail": {"source": "aws.cloudwatch"}}, False),
        Case(OR_NESTED, {"source": "aws.cloudwatch", "scope": "Service"}, True),
        Case(
            OR_NESTED,
            {
                "source": "aws.cloudwatch",
                "metricType": "MetricType",
                "namespace": "AWS/EC2",
                "spaceId": 1000,
            },
            True,
        ),
        Case(
            OR_NESTED,
            {"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/EC2"},
            False,
            "the inner $or is not satisfied",
        ),
        Case(
            OR_NESTED,
            {"source": "aws.cloudwatch", "metricType": "MetricType", "metricId": 1234},
            False,
        ),
        Case(OR_NESTED, {"source": "aws.cloudwatch", "metricId": 1234}, False),
        Case(
            {"$or": [{"a": ["1"]}, {"a": ["2"]}]},
            {"a": "2"},
            True,
            "the same field in both branches",
        ),
        Case({"$or": [{"a": ["1"]}, {"b": [{"exists": False}]}]}, {"a": "0"}, True),
        Case({"$or": [{"a": ["1"]}, {"b": [{"exists": False}]}]}, {"a": "0", "b": 1}, False),
        Case(
            {"$or": [{"a": [{"numeric": [">", 10]}]}, {"a": [{"anything-but": [5, 7]}]}]},
            {"a": 5},
            False,
        ),
        Case(
            {"$or": [{"a": [{"numeric": [">", 10]}]}, {"a": [{"anything-but": [5, 7]}]}]},
            {"a": 6},
            True,
        ),
        Case(
            {"$or": [{"a": [{"numeric": [">", 10]}]}, {"a": [{"anything-but": [5, 7]}]}]},
            {"a": 5, "b": 1},
            False,
        ),
        Case(
            {"a": ["1"], "$or": [{"a": ["2"]}, {"b": ["3"]}]},
            {"a": "2"},
            True,
            "a field inside $or overrides the same field before it",
        ),
        Case(
            {"$or": [{"a": ["2"]}, {"b": ["3"]}], "a": ["1"]},
            {"a": "2"},
            False,
            "and a field after $or overrides the one inside",
        ),
        Case(
            {"$or": [{"a": ["2"]}, {"b": ["3"]}], "a": ["1"]},
            {"a": "1", "b": "3"},
            True,
        ),
        Case(
            {"x": {"$or": [{"y": ["1"]}, {"z": {"$or": [{"p": ["2"]}, {"q": ["3"]}]}}]}},
            {"x": {"z": {"q": "3"}}},
            True,
            "nested $or under nested objects",
        ),
        Case(
            {"x": {"$or": [{"y": ["1"]}, {"z": {"$or": [{"p": ["2"]}, {"q": ["3"]}]}}]}},
            {"x": {"z": {"r": "3"}}},
            False,
        ),
        Case(
            {"employees": {"$or": [{"firstName": ["Anna"]}, {"lastName": ["Jones"]}]}},
            EMPLOYEES,
            True,
        ),
        Case(
            {"$or": [{"a": {"x": ["1"], "y": ["2"]}}, {"b": ["3"]}]},
            {"a": [{"x": "1"}, {"y": "2"}]},
            False,
            "array consistency inside a $or branch",
        ),
        Case(
            {"$or": [{"a": {"x": ["1"], "y": ["2"]}}, {"b": ["3"]}]},
            {"a": [{"x": "1"}, {"y": "2"}], "b": "3"},
            True,
        ),
        Case(
            {"$or": [{"source": [{"prefix": "aws."}]}, {"detail-type": [{"suffix": "Change"}]}]},
            EC2,
            True,
        ),
        Case(
            {"$or": [{"source": [{"prefix": "gcp."}]}, {"detail-type": [{"suffix": "Change"}]}]},
            EC2,
            False,
        ),
    ]
)

# --- every operator against every kind of event value ---------------------------------------
# One matrix so that no operator quietly accepts a value type it should not.
VALUE_KINDS: dict[str, Any] = {
    "string": "5",
    "int": 5,
    "float": 5.0,
    "true": True,
    "false": False,
    "null": None,
    "ip": "10.0.0.5",
}
MATRIX: list[tuple[Any, set[str]]] = [
    ("5", {"string"}),
    (5, {"int", "float"}),
    (True, {"true"}),
    (None, {"null"}),
    ({"prefix": "5"}, {"string"}),
    ({"prefix": "10."}, {"ip"}),
    ({"suffix": "5"}, {"string", "ip"}),
    ({"equals-ignore-case": "5"}, {"string"}),
    ({"wildcard": "*5"}, {"string", "ip"}),
    ({"numeric": ["=", 5]}, {"int", "float"}),
    ({"numeric": [">", 4, "<", 6]}, {"int", "float"}),
    ({"exists": True}, set(VALUE_KINDS)),
    ({"exists": False}, set()),
    ({"cidr": "10.0.0.0/24"}, {"ip"}),
    ({"anything-but": "5"}, set(VALUE_KINDS) - {"string"}),
    ({"anything-but": 5}, set(VALUE_KINDS) - {"int", "float"}),
    ({"anything-but": {"prefix": "5"}}, set(VALUE_KINDS) - {"string"}),
    ({"anything-but": {"suffix": "5"}}, set(VALUE_KINDS) - {"string", "ip"}),
    ({"anything-but": {"equals-ignore-case": "5"}}, set(VALUE_KINDS) - {"string"}),
    ({"anything-but": {"wildcard": "*5"}}, set(VALUE_KINDS) - {"string", "ip"}),
]
for spec, matching in MATRIX:
    for kind, value in VALUE_KINDS.items():
        add(on([spec], value, kind in matching, f"type matrix: {kind}"))


# --- invalid patterns ------------------------------------------------------------------------
INVALID: list[tuple[Any, str]] = [
    ("not json", "not valid JSON"),
    ("{'bad': 'quotation'}", "not valid JSON"),
    ('{"a": [1]', "not valid JSON"),
    ('{"a": [NaN]}', "not valid JSON"),
    ("[1, 2]", "Filter is not an object"),
    ('"text"', "Filter is not an object"),
    ("42", "Filter is not an object"),
    ("null", "Filter is not an object"),
    ("{}", "Empty objects are not allowed"),
    ({"detail": {}}, 'Empty objects are not allowed (field "detail")'),
    ({"int": 42}, '"int" must be an object or an array'),
    ({"string": "my-value"}, '"string" must be an object or an array'),
    ({"detail": {"state": "x"}}, 'field "detail.state"'),
    ({"detail": {"state": None}}, "must be an object or an array"),
    ({"resources": []}, "Empty arrays are not allowed"),
    ({"detail": {"x": [["a"]]}}, "Match value must be String, number, true, false, or null"),
    ({"x": [{}]}, "Match expression name not found"),
    ({"x": [{"prefix": "a", "suffix": "b"}]}, "Only one key allowed in match expression"),
    ({"detail": {"equal": [{"NUMERIC": ["=", 5]}]}}, "Unrecognized match type NUMERIC"),
    ({"my_key": [{"EXISTS": True}]}, "Unrecognized match type EXISTS"),
    ({"x": [{"contains": "a"}]}, "Unrecognized match type contains"),
    ({"x": [{"exact": "a"}]}, "Unrecognized match type exact"),
    ({"time": [{"prefix": 123}]}, "prefix match pattern must be a string"),
    ({"time": [{"prefix": ["2022"]}]}, "prefix match pattern must be a string"),
    ({"time": [{"prefix": None}]}, "prefix match pattern must be a string"),
    ({"x": [{"prefix": {"suffix": "a"}}]}, "Unsupported prefix pattern: suffix"),
    (
        {"x": [{"prefix": {"equals-ignore-case": 1}}]},
        "equals-ignore-case match pattern must be a string",
    ),
    ({"FileName": [{"suffix": 123}]}, "suffix match pattern must be a string"),
    ({"FileName": [{"suffix": [".png"]}]}, "suffix match pattern must be a string"),
    ({"x": [{"suffix": {"wildcard": "a"}}]}, "Unsupported suffix pattern: wildcard"),
    ({"x": [{"equals-ignore-case": ["a"]}]}, "equals-ignore-case match pattern must be a string"),
    (
        {"x": [{"equals-ignore-case": {"prefix": "ec2"}}]},
        "equals-ignore-case match pattern must be a string",
    ),
    ({"x": [{"wildcard": 123}]}, "wildcard match pattern must be a string"),
    ({"x": [{"wildcard": ["a*"]}]}, "wildcard match pattern must be a string"),
    (
        {"x": [{"wildcard": "arn:aws:events:us-east-1:**:event-bus/*"}]},
        "Consecutive wildcard characters at pos 26",
    ),
    ({"x": [{"wildcard": "a**"}]}, "Consecutive wildcard characters"),
    ({"x": [{"wildcard": r"a\b"}]}, "Invalid escape character at pos 1"),
    ({"x": [{"wildcard": "a\\"}]}, "Invalid escape character"),
    ({"x": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}, "Rule is too complex"),
    (
        {"x": [{"wildcard": f"*:stack/{name}/*"} for name in ("a", "bb", "ccc", "dddd")]},
        "Rule is too complex",
    ),
    ({"x": [{"numeric": 10}]}, "Value of numeric must be an array"),
    ({"x": [{"numeric": []}]}, "Invalid member in numeric match"),
    ({"x": [{"numeric": [5, ">"]}]}, "Invalid member in numeric match: 5"),
    ({"x": [{"numeric": ["!=", 5]}]}, "Unrecognized numeric range operator: !="),
    ({"x": [{"numeric": ["=>", 5]}]}, "Unrecognized numeric range operator"),
    ({"x": [{"numeric": [">"]}]}, "Value of > must be numeric"),
    ({"x": [{"numeric": [">", "5"]}]}, "Value of > must be numeric"),
    ({"x": [{"numeric": [">", True]}]}, "Value of > must be numeric"),
    ({"x": [{"numeric": ["=", None]}]}, "Value of = must be numeric"),
    ({"x": [{"numeric": ["=", 5, "<", 6]}]}, "Too many elements in numeric expression"),
    ({"x": [{"numeric": ["<", 5, ">", 1]}]}, "Too many elements in numeric expression"),
    ({"detail": {"c-count": [{"numeric": [">", 0, ">", 0]}]}}, "Bad numeric range operator: >"),
    ({"x": [{"numeric": [">", 0, "=", 5]}]}, "Bad numeric range operator: ="),
    ({"detail": {"c-count": [{"numeric": [">", 0, "<"]}]}}, "Value of < must be numeric"),
    ({"x": [{"numeric": [">", 0, "<", "9"]}]}, "Value of < must be numeric"),
    ({"x": [{"numeric": [">", 0, "<", 9, "<", 10]}]}, "Too many terms in numeric range expression"),
    ({"x": [{"numeric": [">", 10, "<", 5]}]}, "Bottom must be less than top"),
    ({"x": [{"numeric": [">", 5, "<=", 5]}]}, "Bottom must be less than top"),
    ({"x": [{"numeric": [">", 6e9]}]}, "Value must be between -5.0E9 and 5.0E9"),
    ({"x": [{"numeric": ["<", -5000000001]}]}, "Value must be between -5.0E9 and 5.0E9"),
    ({"x": [{"numeric": ["=", 0.1234567]}]}, "Only values up to 6 decimal places"),
    ({"x": [{"anything-but": []}]}, "anything-but list must not be empty"),
    ({"x": [{"anything-but": [1, "a"]}]}, "mixed type is not supported"),
    ({"x": [{"anything-but": None}]}, "start|null|boolean is not supported"),
    ({"x": [{"anything-but": True}]}, "start|null|boolean is not supported"),
    ({"x": [{"anything-but": ["a", None]}]}, "start|null|boolean is not supported"),
    ({"x": [{"anything-but": [["a"]]}]}, "start|null|boolean is not supported"),
    ({"x": [{"anything-but": [7e9]}]}, "Value must be between"),
    ({"x": [{"anything-but": {}}]}, "Anything-But expression name not found"),
    ({"x": [{"anything-but": {"prefix": "a", "suffix": "b"}}]}, "Only one key allowed"),
    ({"x": [{"anything-but": {"numeric": [">", 1]}}]}, "Unsupported anything-but pattern: numeric"),
    ({"x": [{"anything-but": {"exists": True}}]}, "Unsupported anything-but pattern: exists"),
    (
        {"detail": {"state": [{"anything-but": {"prefix": 123}}]}},
        "prefix/suffix match pattern must be a string",
    ),
    (
        {"detail": {"state": [{"anything-but": {"prefix": [123, "test"]}}]}},
        "prefix/suffix match pattern must be a string",
    ),
    ({"x": [{"anything-but": {"prefix": ""}}]}, "Null prefix/suffix not allowed"),
    ({"x": [{"anything-but": {"suffix": ""}}]}, "Null prefix/suffix not allowed"),
    ({"x": [{"anything-but": {"suffix": ["a", ""]}}]}, "Null prefix/suffix not allowed"),
    ({"x": [{"anything-but": {"prefix": []}}]}, "anything-but prefix list must not be empty"),
    (
        {"x": [{"anything-but": {"prefix": {"equals-ignore-case": "file"}}}]},
        "Value of anything-but must be an array or single string/number value.",
    ),
    (
        {"x": [{"anything-but": {"suffix": {"equals-ignore-case": ".png"}}}]},
        "Value of anything-but must be an array or single string/number value.",
    ),
    (
        {"x": [{"anything-but": {"equals-ignore-case": 123}}]},
        "number|start|null|boolean is not supported",
    ),
    (
        {"x": [{"anything-but": {"equals-ignore-case": [123, 456]}}]},
        "number|start|null|boolean is not supported",
    ),
    ({"x": [{"anything-but": {"equals-ignore-case": []}}]}, "must not be empty"),
    ({"x": [{"anything-but": {"wildcard": 123}}]}, "wildcard match pattern must be a string"),
    (
        {"x": [{"anything-but": {"wildcard": [123, "*/dir/*"]}}]},
        "wildcard match pattern must be a string",
    ),
    ({"x": [{"anything-but": {"wildcard": "a**b"}}]}, "Consecutive wildcard characters"),
    ({"x": [{"exists": "true"}]}, "exists match pattern must be either true or false."),
    ({"x": [{"exists": 1}]}, "exists match pattern must be either true or false."),
    ({"x": [{"exists": None}]}, "exists match pattern must be either true or false."),
    ({"x": [{"cidr": "10.0.0.0"}]}, "Malformed CIDR, one '/' required"),
    ({"x": [{"cidr": "10.0.0.0/8/8"}]}, "Malformed CIDR, one '/' required"),
    ({"x": [{"cidr": "10.0.0.0/abc"}]}, "Malformed CIDR, mask bits must be an integer"),
    ({"x": [{"cidr": "10.0.0.0/"}]}, "Malformed CIDR, mask bits must be an integer"),
    ({"x": [{"cidr": "10.0.0.0/33"}]}, "Malformed CIDR, mask bits must be at most 32"),
    ({"x": [{"cidr": "::/129"}]}, "Malformed CIDR, mask bits must be at most 128"),
    ({"x": [{"cidr": "xx.11.xx/24"}]}, "Nonstandard IP address: xx.11.xx"),
    ({"x": [{"cidr": "xxxx:db8:1234:1a00::/64"}]}, "Nonstandard IP address: xxxx:db8:1234:1a00::"),
    ({"x": [{"cidr": ["bad-type"]}]}, "cidr match pattern must be a string"),
    ({"x": [{"cidr": 10}]}, "cidr match pattern must be a string"),
    ({"$or": {"a": ["1"]}}, "$or must be followed by an array"),
    ({"$or": "a"}, "$or must be followed by an array"),
    ({"$or": []}, "There must be at least 2 objects in a $or relationship"),
    ({"$or": [{"a": ["1"]}]}, "There must be at least 2 objects in a $or relationship"),
    ({"$or": [{"a": ["1"]}, "b"]}, "Only JSON objects are allowed"),
    ({"$or": [{"a": ["1"]}, ["b"]]}, "Only JSON objects are allowed"),
    ({"$or": [{"a": ["1"]}, {}]}, 'Empty objects are not allowed (field "$or[1]")'),
    ({"$or": [{"a": ["1"]}, {"numeric": [5]}]}, "numeric is a reserved field name"),
    ({"$or": [{"a": ["1"]}, {"b": {"prefix": ["x"]}}]}, "prefix is a reserved field name"),
    (
        {"detail": {"$or": [{"a": []}, {"b": ["1"]}]}},
        'Empty arrays are not allowed (field "detail.$or[0].a")',
    ),
    (
        {
            "$or": [{f"a{i}": ["1"]} for i in range(11)],
            "b": {"$or": [{f"b{i}": ["1"]} for i in range(11)]},
            "c": {"$or": [{f"c{i}": ["1"]} for i in range(11)]},
        },
        "Rule is too complex: $or expands to more than 1000 combinations",
    ),
    (
        "{" + ",".join(f'"k{i:04d}": ["{"v" * 20}"]' for i in range(200)) + "}",
        "the maximum is 4096",
    ),
]
