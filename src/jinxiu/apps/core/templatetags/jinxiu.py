"""Template helpers: ``{% echart option "dom-id" %}`` renders an ECharts chart from a dict.

The option travels as JSON in a data attribute (escaped), and ``static/jinxiu/app.js`` draws
every ``.jx-chart`` — no inline script, so the Content-Security-Policy holds, and the chart
survives an htmx swap (htmx drops script elements from swapped content).
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def echart(option: dict, dom_id: str, height: str = "320px"):
    return format_html(
        '<div class="jx-chart" id="{}" data-option="{}" data-height="{}" role="img"></div>',
        dom_id, json.dumps(option, cls=DjangoJSONEncoder, ensure_ascii=False), height,
    )
