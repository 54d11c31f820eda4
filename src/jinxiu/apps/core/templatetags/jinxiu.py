"""Template helpers: ``{% echart option "dom-id" %}`` renders an ECharts chart from a dict.

The option travels as a JSON data block (``json_script``), and ``static/jinxiu/app.js``
draws every ``.jx-chart`` — no inline script, so the Content-Security-Policy holds.
"""

from django import template
from django.utils.html import format_html, json_script

register = template.Library()


@register.simple_tag
def echart(option: dict, dom_id: str, height: str = "320px"):
    data_id = f"{dom_id}-option"
    return format_html(
        '<div class="jx-chart" id="{}" data-option="{}" data-height="{}" role="img"></div>{}',
        dom_id, data_id, height, json_script(option, data_id),
    )
