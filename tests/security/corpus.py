"""The hostile template corpus: published Jinja2 sandbox escapes and resource payloads.

Each entry is (name, body, what the error must say). Every one must end with a clear
RenderError (never a traceback, never a result), within 2 s and 50 MB. The escapes are the
classic ones from sandbox write-ups (SSTI cheat sheets, Jinja's own security advisories:
CVE-2016-10745 str.format, CVE-2019-10906 format_map, CVE-2024-56326 indirect format);
the payloads aim at CPU (huge integers, nested loops, recursion), memory (repetition,
joins, concatenation) and the parser (deep nesting).
"""

from __future__ import annotations

NOT_AVAILABLE = "is not available"
#: a name that does not exist may be refused for the attribute asked of it first
NOT_DEFINED = "is not defined|is not available"
TOO_SLOW = "took longer than|too much work|number over|too deeply"
TOO_LARGE = "longer than|too much text|too complex|too large"
NO_FILTER = "no filter named"
FORMAT = "formatting is not available"

ESCAPES = [
    ("str class mro", "{{ ''.__class__.__mro__[1].__subclasses__() }}", NOT_AVAILABLE),
    ("tuple base subclasses", "{{ ().__class__.__base__.__subclasses__() }}", NOT_AVAILABLE),
    ("list class", "{{ [].__class__ }}", NOT_AVAILABLE),
    ("self template reference context", "{{ self._TemplateReference__context }}", NOT_AVAILABLE),
    ("self init globals", "{{ self.__init__.__globals__ }}", NOT_AVAILABLE),
    ("cycler globals os", "{{ cycler.__init__.__globals__.os.popen('id').read() }}", NOT_DEFINED),
    ("joiner globals", "{{ joiner.__init__.__globals__ }}", NOT_DEFINED),
    ("namespace globals", "{{ namespace.__init__.__globals__ }}", NOT_DEFINED),
    ("lipsum globals os", "{{ lipsum.__globals__['os'].popen('id').read() }}", NOT_DEFINED),
    ("flask config", "{{ config.items() }}", NOT_DEFINED),
    ("flask request", "{{ request.application.__globals__.__builtins__ }}", NOT_DEFINED),
    ("str.format attribute walk", "{{ '{0.__class__.__mro__}'.format('') }}", NOT_AVAILABLE),
    ("str.format width", "{{ '{0:>999999999}'.format(1) }}", NOT_AVAILABLE),
    ("format_map", "{{ '{x.__class__}'.format_map({'x': 1}) }}", NOT_AVAILABLE),
    ("indirect format", "{% set f = 'a'.format %}{{ f('x') }}", NOT_AVAILABLE),
    ("percent format width", "{{ '%999999999s' % 'x' }}", FORMAT),
    ("percent format tuple", "{{ '%s%s' % ('a', 'b') }}", FORMAT),
    ("attr filter", "{{ '' | attr('__class__') }}", NO_FILTER),
    ("map filter", "{{ [1] | map('upper') | list }}", NO_FILTER),
    ("format filter", "{{ '%s' | format(1) }}", NO_FILTER),
    ("range global", "{{ range(10**9) | join }}", NOT_DEFINED),
    ("dict global", "{{ dict(a=1) }}", NOT_DEFINED),
    ("contact record internals", "{{ contact._data }}", NOT_DEFINED),
    ("contact class", "{{ contact.__class__.__init__.__globals__ }}", NOT_AVAILABLE),
    ("shop dict", "{{ shop.__dict__ }}", NOT_DEFINED),
    ("provider bound method self", "{{ coupon.__self__.data.session }}", NOT_AVAILABLE),
    ("provider function globals", "{{ recommendations.__func__.__globals__ }}", NOT_AVAILABLE),
    ("macro function globals", "{% macro m() %}{% endmacro %}{{ m._func.__globals__ }}",
     NOT_AVAILABLE),
    ("loop cycle globals",
     "{% for x in [1] %}{{ loop.cycle.__func__.__globals__ }}{% endfor %}", NOT_AVAILABLE),
    ("datetime method", "{{ now.replace(year=1) }}", NOT_AVAILABLE),
    ("string method", "{{ 'a'.join(['b'] * 10) }}", NOT_AVAILABLE),
    ("include a file", "{% include '/etc/passwd' %}", NOT_AVAILABLE),
    ("import", "{% import 'x' as y %}", NOT_AVAILABLE),
    ("extends", "{% extends 'x' %}", NOT_AVAILABLE),
]

RESOURCES = [
    ("tower of powers", "{{ (((10**100)**100)**100)**100 > 1 }}", TOO_SLOW),
    ("tower inside an if", "{% if contact.first_name == 'Alex' %}{{ ((10**100)**100)**100 }}"
     "{% endif %}", TOO_SLOW),
    ("power of a power", "{{ 9 ** (9 ** 9) }}", TOO_SLOW),
    ("square until huge", "{% macro f(n) %}{{ f(n * n) }}{% endmacro %}{{ f(3) }}", TOO_SLOW),
    ("float power", "{{ 1.5 ** 100000000 }}", TOO_SLOW),
    ("string times huge", "{{ 'a' * 1000000 * 1000000 }}", TOO_LARGE),
    ("list of big strings joined", "{{ (['a' * 1000000] * 1000) | join }}", TOO_LARGE),
    ("list of big strings printed", "{{ ['a' * 1000000] * 1000 }}", TOO_LARGE),
    ("join with a huge separator", "{{ ([1] * 1000000) | join('x' * 1000000) }}", TOO_LARGE),
    ("concatenation", "{{ ('a' * 999999) ~ ('b' * 999999) }}", TOO_LARGE),
    ("wide characters", "{{ '\U0001F600' * 1000001 }}", TOO_LARGE),
    ("urlencode growth", "{{ ('&' * 900000) | urlencode }}", TOO_LARGE),
    ("doubling macro", "{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f('ab') }}",
     TOO_LARGE + "|" + TOO_SLOW),
    ("many big values", "{% macro f(n) %}{% set s = 'a' * 900000 %}{{ f(n + 1) }}{% endmacro %}"
     "{{ f(1) }}", TOO_LARGE + "|" + TOO_SLOW),
    ("nested loops", "{% for i in 'a' * 1000000 %}{% for j in 'a' * 1000000 %}{% endfor %}"
     "{% endfor %}", TOO_SLOW),
    ("exponential macro", "{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ f(1) }}",
     TOO_SLOW),
    ("output flood", "{% for i in 'a' * 100000 %}{{ 'b' * 1000 }}{% endfor %}",
     TOO_LARGE + "|" + TOO_SLOW),
    ("loop length of a huge string", "{% for i in 'a' * 1000000 %}{{ loop.length }}{% endfor %}",
     TOO_SLOW),
    ("straight-line comparisons",
     "{% set s = 'a' * 1000000 %}{% set t = 'a' * 500000 ~ 'b' %}"
     + "{% if t in s %}{% endif %}" * 900, TOO_LARGE),  # refused before it runs
    ("a list of comparisons",
     "{% set s = 'a' * 1000000 %}{% set t = 'a' * 500000 ~ 'b' %}{{ [" + "t in s," * 480
     + "] | length }}" + "{{ [" + "s in s," * 480 + "] | length }}", TOO_SLOW + "|" + TOO_LARGE),
    ("comparison chain", "{{ 1 " + "< 2 " * 3000 + "}}", TOO_LARGE),
    ("3000 parentheses", "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", TOO_LARGE),
    ("100000 brackets", "{{ " + "[" * 100000 + " }}", TOO_LARGE),
    ("3000 minus signs", "{{ " + "-" * 3000 + "1 }}", TOO_LARGE),
    ("3000 additions", "{{ " + "1 + " * 3000 + "1 }}", TOO_LARGE),
    ("3000 filters", "{{ 'a'" + " | upper" * 3000 + " }}", TOO_LARGE),
    ("500 nested ifs", "{% if 1 %}" * 500 + "x" + "{% endif %}" * 500, TOO_LARGE),
    ("a huge source", "x" * 600_000, TOO_LARGE),
    ("many slices kept", "{% set s = 'a' * 1000000 %}{{ [" + "s[1:], " * 300 + "] | length }}",
     TOO_LARGE),
]

CORPUS = ESCAPES + RESOURCES
