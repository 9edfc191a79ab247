"""Java 8 bindings: Jackson-annotated POJOs in AWS's package layout.

    <folder>/schema/<source>/<detail_type>/<Detail>.java       one file per class and enum
    <folder>/schema/<source>/<detail_type>/AWSEvent.java       the envelope, AWSEvent<T>
    <folder>/schema/<source>/<detail_type>/marshaller/Marshaller.java

Every class binds its fields only (``@JsonAutoDetect``), so getter names never decide a JSON key
and a key such as ``class`` maps to ``getClass_()`` without touching ``Object.getClass()``.
The sources are pure ASCII (other characters are ``\\uXXXX`` escapes): javac reads them right
whatever the platform encoding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from string import Template

from codegen.bindings import Bindings
from codegen.model import ClassDef, EnumDef, EventSchema, Kind, TypeRef
from codegen.naming import (
    ascii_fold,
    camel,
    comment_text,
    constant_names,
    join_lines,
    starts_with_digit,
    unique,
)

_KEYWORDS = """
    abstract assert boolean break byte case catch char class const continue default do double
    else enum extends final finally float for goto if implements import instanceof int
    interface long native new package private protected public return short static strictfp
    super switch synchronized this throw throws transient try void volatile while true false
    null _
"""
JAVA_KEYWORDS = frozenset(_KEYWORDS.split())

# Methods of java.lang.Object a generated method must not override or hide by accident.
_OBJECT_METHOD_NAMES = "getClass hashCode equals toString clone finalize notify notifyAll wait"
_OBJECT_METHODS = frozenset(_OBJECT_METHOD_NAMES.split())

_AUTO_DETECT = (
    "@JsonAutoDetect(\n"
    "        fieldVisibility = JsonAutoDetect.Visibility.ANY,\n"
    "        getterVisibility = JsonAutoDetect.Visibility.NONE,\n"
    "        isGetterVisibility = JsonAutoDetect.Visibility.NONE,\n"
    "        setterVisibility = JsonAutoDetect.Visibility.NONE)"
)


_MARSHALLER = Template(
    """\
$header
package $package.marshaller;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.util.StdDateFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.TimeZone;
import $package.AWSEvent;

/** Events and their parts to JSON and back, with one shared, configured mapper. */
public final class Marshaller {
    private static final ObjectMapper MAPPER = createObjectMapper();

    private Marshaller() {
    }

    public static <T> void marshal(OutputStream output, T value) throws IOException {
        MAPPER.writeValue(output, value);
    }

    public static String marshal(Object value) throws IOException {
        return MAPPER.writeValueAsString(value);
    }

    public static <T> T unmarshal(InputStream input, Class<T> type) throws IOException {
        return MAPPER.readValue(input, type);
    }

    public static <T> T unmarshal(String json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    public static <T> AWSEvent<T> unmarshalEvent(InputStream input, Class<T> type)
            throws IOException {
        return MAPPER.readValue(input, eventType(type));
    }

    public static <T> AWSEvent<T> unmarshalEvent(String json, Class<T> type)
            throws IOException {
        return MAPPER.readValue(json, eventType(type));
    }

    private static JavaType eventType(Class<?> detailType) {
        return MAPPER.getTypeFactory().constructParametricType(AWSEvent.class, detailType);
    }

    private static ObjectMapper createObjectMapper() {
        ObjectMapper mapper = new ObjectMapper();
        // Events gain fields and enum values over time: old bindings must still read them.
        mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        mapper.configure(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL, true);
        mapper.configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);
        mapper.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        mapper.setDateFormat(new StdDateFormat().withColonInTimeZone(true));
        mapper.setTimeZone(TimeZone.getTimeZone("UTC"));
        return mapper;
    }
}
"""
)


@dataclass(frozen=True, slots=True)
class _Property:
    name: str  # the Java field
    accessor: str  # what follows get/set/with: the field's name before keyword escaping
    type: str
    json_key: str
    omit_null: bool
    description: str | None


def package_segment(text: str) -> str:
    """A package name part: lowercased, every non-identifier character as ``_``."""
    segment = re.sub(r"[^a-z0-9_]+", "_", ascii_fold(text).lower()).strip("_")
    if not segment:
        return ""
    if starts_with_digit(segment):
        segment = f"_{segment}"
    return f"{segment}_" if segment in JAVA_KEYWORDS else segment


def package_name(schema: EventSchema) -> str:
    segments = [package_segment(schema.source), package_segment(schema.detail_type)]
    return ".".join(["schema", *(s for s in segments if s)])


def string_literal(text: str) -> str:
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char in "\n\r\t\b\f":
            out.append(repr(char)[1:-1])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\{code:03o}")
        elif code > 0x7E:
            encoded = char.encode("utf-16-be")
            out.extend(
                f"\\u{int.from_bytes(encoded[i : i + 2], 'big'):04x}"
                for i in range(0, len(encoded), 2)
            )
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _comment_text(text: str) -> str:
    """Text safe inside a Java comment: one line, ASCII, and no ``\\u`` escape of its own
    (javac decodes those even in comments, so backslashes are doubled)."""
    line = comment_text(text) or ""
    return "".join(
        f"\\u{ord(char):04x}"
        if not 0x20 <= ord(char) <= 0x7E and ord(char) <= 0xFFFF
        else "?"
        if ord(char) > 0xFFFF
        else char
        for char in line.replace("\\", "\\\\")
    )


def _comment(text: str | None, indent: str) -> list[str]:
    return [f"{indent}/** {_comment_text(text)} */"] if text and comment_text(text) else []


def java_type(ref: TypeRef) -> str:
    match ref.kind:
        case Kind.STRING:
            return "String"
        case Kind.INTEGER:
            return "Long"
        case Kind.NUMBER:
            return "Double"
        case Kind.BOOLEAN:
            return "Boolean"
        case Kind.DATETIME:
            return "Date"
        case Kind.OBJECT | Kind.ENUM:
            return ref.ref_name
        case Kind.ARRAY:
            return f"List<{java_type(ref.item_type)}>"
        case Kind.MAP:
            return f"Map<String, {java_type(ref.item_type)}>"
        case Kind.ANY:
            return "Object"


def _imports(types: Iterable[str], *, enum: bool = False) -> list[str]:
    text = " ".join(types)
    needed = ["com.fasterxml.jackson.annotation.JsonProperty"]
    if enum:
        needed.append("com.fasterxml.jackson.annotation.JsonValue")
    else:
        needed += [
            "com.fasterxml.jackson.annotation.JsonAutoDetect",
            "com.fasterxml.jackson.annotation.JsonInclude",
            "java.util.Objects",
        ]
    for name in ("Date", "List", "Map"):
        if re.search(rf"\b{name}\b", text):
            needed.append(f"java.util.{name}")
    return [f"import {name};" for name in sorted(needed)]


def _capitalised(name: str) -> str:
    return name[0].upper() + name[1:]


def _pojo(
    package: str,
    header: str,
    name: str,
    properties: list[_Property],
    description: str | None,
    type_parameter: str | None = None,
) -> bytes:
    self_type = f"{name}<{type_parameter}>" if type_parameter else name
    lines = [header, f"package {package};", "", *_imports(p.type for p in properties), ""]
    lines += _comment(description, "")
    lines += [_AUTO_DETECT, f"public class {self_type} {{"]
    for prop in properties:
        lines += _comment(prop.description, "    ")
        lines.append(f"    @JsonProperty({string_literal(prop.json_key)})")
        if prop.omit_null:
            lines.append("    @JsonInclude(JsonInclude.Include.NON_NULL)")
        lines += [f"    private {prop.type} {prop.name};", ""]
    for prop in properties:
        getter = f"get{prop.accessor}"
        if getter in _OBJECT_METHODS:
            getter += "_"
        suffix = prop.accessor
        lines += [
            f"    public {prop.type} {getter}() {{",
            f"        return this.{prop.name};",
            "    }",
            "",
            f"    public void set{suffix}({prop.type} {prop.name}) {{",
            f"        this.{prop.name} = {prop.name};",
            "    }",
            "",
            f"    public {self_type} with{suffix}({prop.type} {prop.name}) {{",
            f"        this.{prop.name} = {prop.name};",
            "        return this;",
            "    }",
            "",
        ]
    wildcard = f"{name}<?>" if type_parameter else name
    comparisons = [f"Objects.equals(this.{p.name}, other.{p.name})" for p in properties]
    fields = ", ".join(f"this.{p.name}" for p in properties)
    lines += [
        "    @Override",
        "    public boolean equals(Object o) {",
        "        if (this == o) {",
        "            return true;",
        "        }",
        "        if (o == null || getClass() != o.getClass()) {",
        "            return false;",
        "        }",
    ]
    if comparisons:
        lines.append(f"        {wildcard} other = ({wildcard}) o;")
        lines.append("        return " + "\n            && ".join(comparisons) + ";")
    else:
        lines.append("        return true;")
    lines += [
        "    }",
        "",
        "    @Override",
        "    public int hashCode() {",
        f"        return Objects.hash({fields});",
        "    }",
        "",
        "    @Override",
        "    public String toString() {",
        f'        return "{name}{{"',
    ]
    for index, prop in enumerate(properties):
        separator = "" if index == 0 else ", "
        lines.append(f'            + "{separator}{prop.name}=" + this.{prop.name}')
    lines += ['            + "}";', "    }", "}"]
    return join_lines(lines)


def _class_properties(class_def: ClassDef) -> list[_Property]:
    properties: list[_Property] = []
    taken: set[str] = set()
    for field in class_def.fields:
        name = unique(camel(field.name) or "field", taken)
        taken.add(name)
        properties.append(
            _Property(
                f"{name}_" if name in JAVA_KEYWORDS else name,
                _capitalised(name),
                java_type(field.type),
                field.json_key,
                omit_null=not field.required,
                description=field.description,
            )
        )
    return properties


def _enum(package: str, header: str, enum_def: EnumDef) -> bytes:
    constants = constant_names(enum_def.values)
    name = enum_def.name
    lines = [header, f"package {package};", "", *_imports([], enum=True), ""]
    lines += _comment(enum_def.description, "")
    lines.append(f"public enum {name} {{")
    for index, (constant, value) in enumerate(zip(constants, enum_def.values, strict=True)):
        end = ";" if index == len(constants) - 1 else ","
        literal = string_literal(value)
        lines += [f"    @JsonProperty({literal})", f"    {constant}({literal}){end}", ""]
    lines += [
        "    private final String value;",
        "",
        f"    {name}(String value) {{",
        "        this.value = value;",
        "    }",
        "",
        "    @JsonValue",
        "    public String getValue() {",
        "        return this.value;",
        "    }",
        "",
        f"    public static {name} fromValue(String value) {{",
        f"        for ({name} candidate : values()) {{",
        "            if (candidate.value.equals(value)) {",
        "                return candidate;",
        "            }",
        "        }",
        f'        throw new IllegalArgumentException("not a {name}: " + value);',
        "    }",
        "",
        "    @Override",
        "    public String toString() {",
        "        return this.value;",
        "    }",
        "}",
    ]
    return join_lines(lines)


def _aws_event(package: str, header: str) -> bytes:
    def prop(name: str, type_: str, key: str, omit_null: bool = False) -> _Property:
        return _Property(name, _capitalised(name), type_, key, omit_null, None)

    properties = [
        prop("version", "String", "version"),
        prop("id", "String", "id"),
        prop("detailType", "String", "detail-type"),
        prop("source", "String", "source"),
        prop("account", "String", "account"),
        prop("time", "Date", "time"),
        prop("region", "String", "region"),
        prop("resources", "List<String>", "resources"),
        prop("replayName", "String", "replay-name", omit_null=True),
        prop("detail", "T", "detail"),
    ]
    about = "The EventBridge envelope around a typed detail."
    return _pojo(package, header, "AWSEvent", properties, about, type_parameter="T")


def _marshaller(package: str, header: str) -> bytes:
    text = _MARSHALLER.substitute(header=header, package=package)
    return join_lines(text.splitlines())


def emit(schema: EventSchema, folder: str) -> Bindings:
    package = package_name(schema)
    base = f"{folder}/{package.replace('.', '/')}"
    about = _comment_text(f"from the schema {schema.schema_name}")
    header = f"// Generated by eventbus codegen {about}. Do not edit."
    files: dict[str, bytes] = {}
    for class_def in schema.classes:
        files[f"{base}/{class_def.name}.java"] = _pojo(
            package,
            header,
            class_def.name,
            _class_properties(class_def),
            class_def.description,
        )
    for enum_def in schema.enums:
        files[f"{base}/{enum_def.name}.java"] = _enum(package, header, enum_def)
    files[f"{base}/AWSEvent.java"] = _aws_event(package, header)
    files[f"{base}/marshaller/Marshaller.java"] = _marshaller(package, header)
    return Bindings(files=files, main_file=f"{base}/{schema.detail}.java")
