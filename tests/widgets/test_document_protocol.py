"""The app's journey document and bridge satisfy the Protocols the editor's widgets are
written against (widgets/document_protocol.py), member by member: not only the names
(`runtime_checkable` isinstance checks that much) but each method's parameters, defaults
and annotations, each attribute's type and what each signal carries."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import pytest
from PySide6.QtCore import QMetaMethod, QObject, Signal, SignalInstance

from app.journey_bridge import JourneyBridge
from app.journey_document import JourneyDocument
from widgets.document_protocol import Carries, EditorDocument, InspectorDocument, JourneyFacts

#: how Qt names the argument types of a PySide signal
QT_TYPE_NAMES = {str: "QString", int: "int", bool: "bool", float: "double",
                 list: "QVariantList", dict: "QVariantMap", object: "PyObject"}
PROTOCOL_PLUMBING = set(dir(typing.Protocol))


def protocol_methods(protocol: type) -> dict[str, typing.Callable]:
    methods = {}
    for klass in reversed(protocol.__mro__):
        if getattr(klass, "_is_protocol", False) and klass is not typing.Protocol:
            methods.update({name: value for name, value in vars(klass).items()
                            if inspect.isfunction(value) and name not in PROTOCOL_PLUMBING})
    return methods


def protocol_attributes(protocol: type) -> dict[str, object]:
    return typing.get_type_hints(protocol, include_extras=True)


def signal_arguments(klass: type[QObject], name: str) -> list[str]:
    meta = klass.staticMetaObject
    for index in range(meta.methodCount()):
        method = meta.method(index)
        if (method.methodType() == QMetaMethod.MethodType.Signal
                and method.name().data().decode() == name):
            return [bytes(t).decode() for t in method.parameterTypes()]
    raise AssertionError(f"{klass.__name__} has no signal {name!r}")


def method_mismatches(protocol: type, klass: type) -> list[str]:
    wrong = []
    for name, declared in protocol_methods(protocol).items():
        actual = getattr(klass, name, None)
        if not callable(actual):
            wrong.append(f"{klass.__name__}.{name} is missing")
            continue
        want, have = inspect.signature(declared), inspect.signature(actual)
        want_hints = typing.get_type_hints(declared)
        have_hints = typing.get_type_hints(actual)
        have_params = list(have.parameters.values())
        for position, param in enumerate(want.parameters.values()):
            if position >= len(have_params) or have_params[position].name != param.name:
                wrong.append(f"{name}: parameter {position} should be {param.name!r}")
                continue
            found = have_params[position]
            if found.kind != param.kind:
                wrong.append(f"{name}({param.name}): {found.kind} instead of {param.kind}")
            empty = inspect.Parameter.empty
            if (param.default is empty) != (found.default is empty):
                wrong.append(f"{name}({param.name}): optional in one, required in the other")
            if want_hints.get(param.name) != have_hints.get(param.name):
                wrong.append(f"{name}({param.name}): {have_hints.get(param.name)} "
                             f"instead of {want_hints.get(param.name)}")
        for extra in have_params[len(want.parameters):]:
            if extra.default is inspect.Parameter.empty and extra.kind not in (
                    inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
                wrong.append(f"{name}: the app's extra parameter {extra.name!r} is required")
        if want_hints.get("return") != have_hints.get("return"):
            wrong.append(f"{name} returns {have_hints.get('return')} instead of "
                         f"{want_hints.get('return')}")
    return wrong


def attribute_mismatches(protocol: type, klass: type, instance: object) -> list[str]:
    wrong = []
    for name, hint in protocol_attributes(protocol).items():
        if typing.get_origin(hint) is typing.Annotated:
            kind, *extras = typing.get_args(hint)
            carries = next(e for e in extras if isinstance(e, Carries))
            if kind is not SignalInstance or not isinstance(getattr(klass, name, None), Signal):
                wrong.append(f"{klass.__name__}.{name} is not a signal")
                continue
            want = [QT_TYPE_NAMES[t] for t in carries.types]
            have = signal_arguments(klass, name)
            if have != want:
                wrong.append(f"{klass.__name__}.{name} carries {have} instead of {want}")
        elif getattr(hint, "_is_protocol", False):
            value = getattr(instance, name, None)
            wrong += [f"{name}: {w}" for w in method_mismatches(hint, type(value))]
            wrong += [f"{name}: {w}" for w in attribute_mismatches(hint, type(value), value)]
        elif not isinstance(getattr(instance, name, None), hint):
            wrong.append(f"{klass.__name__}().{name} is not a {hint.__name__}")
    return wrong


@pytest.fixture
def document(qapp):
    document = JourneyDocument(linter=None)
    yield document
    document.close()


@pytest.mark.parametrize("protocol", [InspectorDocument, EditorDocument])
def test_the_journey_document_is_what_the_widgets_expect(document, protocol):
    assert isinstance(document, protocol)
    assert method_mismatches(protocol, JourneyDocument) == []
    assert attribute_mismatches(protocol, JourneyDocument, document) == []


def test_the_bridge_carries_what_the_scene_and_inspector_expect(document):
    assert isinstance(document.bridge, JourneyFacts)
    assert attribute_mismatches(JourneyFacts, JourneyBridge, document.bridge) == []


def test_the_check_sees_a_changed_signature_and_a_changed_signal(qapp):
    """The check itself: a method with another parameter, a signal carrying another type,
    a missing method and a missing attribute are each reported."""

    class Facts(QObject):
        node_added = Signal(int)  # an id is a str

    class Drifted(JourneyDocument):
        def set_node_title(self, node_id: str, name: str) -> str:  # `title` renamed
            return ""

        def paste(self, at: tuple[float, float]) -> list[str]:  # no longer optional
            return []

    wrong = method_mismatches(EditorDocument, Drifted)
    assert any("set_node_title: parameter 2 should be 'title'" in w for w in wrong)
    assert any("paste(at): optional in one" in w for w in wrong)
    assert any("paste(at):" in w and "instead of" in w for w in wrong)
    assert any("carries ['int'] instead of ['QString']" in w
               for w in attribute_mismatches(JourneyFacts, Facts, Facts()))
    assert "QObject.copy is missing" in method_mismatches(EditorDocument, QObject)
    assert any("undo_stack" in w for w in attribute_mismatches(EditorDocument, QObject,
                                                                QObject()))


WIDGETS = Path(__file__).resolve().parents[2] / "widgets"
USERS = {"canvas/editor_widget.py": EditorDocument, "inspector/inspector.py": InspectorDocument}


def used_members(path: Path, holder: str) -> set[str]:
    """Every `holder.x` and `self.holder.x` read in a widget module."""
    used = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        if isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name):
            owner_name = owner.attr if owner.value.id == "self" else None
        else:
            owner_name = owner.id if isinstance(owner, ast.Name) else None
        if owner_name == holder:
            used.add(node.attr)
    return used


@pytest.mark.parametrize("module", sorted(USERS))
def test_the_widgets_use_only_what_the_protocols_declare(module):
    protocol = USERS[module]
    declared = set(protocol_methods(protocol)) | set(protocol_attributes(protocol))
    assert used_members(WIDGETS / module, "document") - declared == set()
    facts = set(protocol_attributes(JourneyFacts))
    for path in (WIDGETS / module, WIDGETS / "canvas" / "scene.py"):
        assert used_members(path, "bridge") - facts == set()
