"""Sewing-line balancing (智能产线): SALBP-1/2 with garment constraints.

>>> from jinxiu.engines.linebal import ProblemData, solve
>>> data = ProblemData(times=(4, 3, 5, 2), precedences=((0, 1), (1, 3)), cycle_time=7)
>>> solve(data).stations
2
"""

from jinxiu.engines.linebal.io import Graph, read_alb, read_in2, read_instance, write_alb, write_in2
from jinxiu.engines.linebal.problem import Operator, ProblemData, ProblemError, seconds_to_units
from jinxiu.engines.linebal.result import Result, check_solution
from jinxiu.engines.linebal.solve import SolveParams, solve

__all__ = [
    "Graph",
    "Operator",
    "ProblemData",
    "ProblemError",
    "Result",
    "SolveParams",
    "check_solution",
    "read_alb",
    "read_in2",
    "read_instance",
    "seconds_to_units",
    "solve",
    "write_alb",
    "write_in2",
]
