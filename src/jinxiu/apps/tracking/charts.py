"""ECharts options for the line dashboard (drawn by static/jinxiu/app.js from data-option)."""

from __future__ import annotations

from django.utils.translation import gettext as _

GRID = {"left": 40, "right": 16, "top": 32, "bottom": 32, "containLabel": True}


def output_chart(board: dict) -> dict:
    hours = [f"{h:02d}:00" for h, _n in board["hours"]]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Output"), _("Target")]},
        "grid": GRID,
        "xAxis": {"type": "category", "data": hours},
        "yAxis": {"type": "value", "name": _("pieces")},
        "series": [
            {"name": _("Output"), "type": "bar", "data": [n for _h, n in board["hours"]],
             "itemStyle": {"color": "#2f6fb0"}},
            {"name": _("Target"), "type": "line", "symbol": "none",
             "data": [board["target_per_hour"]] * len(hours),
             "lineStyle": {"color": "#c23531", "type": "dashed"}},
        ],
    }


def wip_chart(board: dict) -> dict:
    rows = board["operations"]
    bottleneck = board["bottleneck"].pk if board["bottleneck"] else None
    return {
        "tooltip": {"trigger": "axis"},
        "grid": GRID,
        "xAxis": {"type": "category", "data": [f"{r['op'].code} {r['op'].name}" for r in rows],
                  "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "name": _("pieces waiting")},
        "series": [{"name": _("WIP"), "type": "bar", "data": [
            {"value": r["wip"],
             "itemStyle": {"color": "#c23531" if r["op"].pk == bottleneck else "#e6a23c"}}
            for r in rows]}],
    }


def defects_chart(board: dict) -> dict:
    rows = board["defects_by_operation"]
    return {
        "tooltip": {"trigger": "item"},
        "series": [{"type": "pie", "radius": ["35%", "65%"], "data": [
            {"name": f"{op.code} {op.name}", "value": n} for op, n in rows]}],
    }
