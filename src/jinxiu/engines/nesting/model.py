"""The marker-making problem (排料): pieces, sizes, fabric, grain, pairs, spacing.

``ProblemData`` is immutable and validated on construction: a bad piece is refused with its name
and the reason before any solver sees it. Conventions (see docs/engines/nesting.md):

- Coordinates are in the problem's units (the DXF reader converts to millimetres). The fabric
  (布幅, usable width, selvedges removed) runs along x: x is the marker length, y ∈ [0, width].
- Every piece carries the direction of its grain line (丝缕) in its own coordinates
  (``grain_angle``, degrees). Before solving, a piece is turned so that its grain runs along x;
  the allowed rotations then apply to that grain-aligned piece: ``Grain.ONE_WAY`` (nap, 0°),
  ``Grain.TWO_WAY`` (directional fabric: 0°/180°), ``Grain.FOUR_WAY`` (non-directional:
  0/90/180/270). ``tilt`` adds ±tilt° around each allowed angle.
- A left/right pair (对称片) on a single-ply face-up spread: half the copies of a ``pair`` piece
  are mirrored explicitly, across the grain line, so the grain keeps its direction.
- Copies per piece: ``quantity`` × the garments of its size in ``ratio``; a piece without a
  size is shared by every size (× the total garments). Without a ratio, ``quantity`` is the
  number of copies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from jinxiu.engines.nesting import geometry as geo
from jinxiu.engines.nesting.geometry import Point, Ring


class NestingError(Exception):
    """Base class of every error the nesting engine raises on purpose."""


class InvalidPieceError(NestingError):
    """A piece that cannot be nested; ``piece`` names it and ``reason`` says why."""

    def __init__(self, piece: str, reason: str) -> None:
        super().__init__(f"piece {piece!r}: {reason}")
        self.piece = piece
        self.reason = reason


class InvalidProblemError(NestingError):
    """The problem as a whole is inconsistent (width, ratio, maximum length ...)."""


class Grain(StrEnum):
    ONE_WAY = "one_way"  # napped or one-way print: grain and direction fixed (0°)
    TWO_WAY = "two_way"  # directional fabric: along the grain, either way (0°/180°)
    FOUR_WAY = "four_way"  # non-directional: 0/90/180/270

    @property
    def rotations(self) -> tuple[float, ...]:
        return {
            Grain.ONE_WAY: (0.0,),
            Grain.TWO_WAY: (0.0, 180.0),
            Grain.FOUR_WAY: (0.0, 90.0, 180.0, 270.0),
        }[self]


@dataclass(frozen=True)
class Piece:
    """One pattern piece (裁片) of one size.

    ``outline`` is cleaned and oriented counter-clockwise on construction; a tiny
    self-intersection from exported curves is repaired (``repair_note`` says so), anything
    else raises InvalidPieceError naming the piece.
    """

    name: str
    outline: Ring
    quantity: int = 1
    size: str | None = None
    pair: bool = False
    grain_angle: float = 0.0
    grain: Grain | None = None  # overrides the fabric's rule for this piece
    rotations: tuple[float, ...] | None = None  # explicit rotations; override any grain rule
    holes: tuple[Ring, ...] = ()  # internal cut-outs (drawn, never nested into)
    drills: tuple[Point, ...] = ()  # drill holes
    material: str | None = None
    repair_note: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidPieceError(str(self.name), "a piece needs a non-empty name")
        if not isinstance(self.quantity, int) or isinstance(self.quantity, bool):
            raise InvalidPieceError(self.name, f"quantity must be an integer: {self.quantity!r}")
        if self.quantity < 0:
            raise InvalidPieceError(self.name, f"quantity must be >= 0, got {self.quantity}")
        if self.pair and self.quantity % 2:
            raise InvalidPieceError(
                self.name, f"quantity {self.quantity} is odd and cannot be cut as left/right pairs"
            )
        if not math.isfinite(float(self.grain_angle)):
            raise InvalidPieceError(self.name, "grain angle is not finite")
        if self.grain is not None:
            object.__setattr__(self, "grain", Grain(self.grain))
        try:
            ring, note = geo.make_outline(self.outline)
        except geo.GeometryError as exc:
            raise InvalidPieceError(self.name, str(exc)) from None
        object.__setattr__(self, "outline", ring)
        if note and not self.repair_note:
            object.__setattr__(self, "repair_note", note)
        if self.rotations is not None:
            rots = tuple(dict.fromkeys(geo.normalize_angle(r) for r in self.rotations))
            object.__setattr__(self, "rotations", rots or (0.0,))
        holes = []
        for hole in self.holes:
            try:
                holes.append(geo.make_outline(hole)[0])
            except geo.GeometryError as exc:
                raise InvalidPieceError(self.name, f"internal cut-out: {exc}") from None
        object.__setattr__(self, "holes", tuple(holes))
        object.__setattr__(self, "drills", tuple((float(x), float(y)) for x, y in self.drills))

    @property
    def area(self) -> float:
        return geo.area(self.outline)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.size})" if self.size else self.name


@dataclass(frozen=True)
class ItemType:
    """What the solver sees: one shape, its allowed rotations, and how many copies.

    ``shape`` is the piece in the solver frame (grain along x, mirrored if ``mirrored``);
    ``to_solver`` maps the piece's own coordinates to that frame.
    """

    key: str
    piece_index: int
    piece: Piece
    mirrored: bool
    demand: int
    rotations: tuple[float, ...]
    shape: Ring
    to_solver: geo.Affine


@dataclass(frozen=True)
class ProblemData:
    """A marker-making problem. Validated on construction; raises NestingError subclasses.

    ``width`` is the usable fabric width (布幅 minus selvedges); ``max_length`` the longest
    marker (唛架) the table allows, allowances included. ``spacing`` is the minimum gap between
    two pieces (pieces are offset by half of it, conservatively); ``start_allowance`` and
    ``end_allowance`` are fabric left before the first and after the last piece.
    """

    pieces: tuple[Piece, ...]
    width: float
    ratio: Mapping[str, int] | None = None
    max_length: float | None = None
    grain: Grain = Grain.TWO_WAY
    tilt: float = 0.0
    spacing: float = 0.0
    start_allowance: float = 0.0
    end_allowance: float = 0.0
    fit_epsilon: float = 1e-4
    name: str = ""
    units: str = "mm"
    items: tuple[ItemType, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pieces", tuple(self.pieces))
        object.__setattr__(self, "grain", Grain(self.grain))
        if not self.pieces:
            raise InvalidProblemError("the problem has no pieces")
        for label, value in (
            ("width", self.width),
            ("spacing", self.spacing),
            ("tilt", self.tilt),
            ("start_allowance", self.start_allowance),
            ("end_allowance", self.end_allowance),
            ("fit_epsilon", self.fit_epsilon),
        ):
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise InvalidProblemError(f"{label} must be a finite number >= 0, got {value!r}")
        if self.width <= 0:
            raise InvalidProblemError(f"width must be > 0, got {self.width}")
        if self.tilt >= 45:
            raise InvalidProblemError(f"tilt must be < 45°, got {self.tilt}")
        if self.max_length is not None and (
            not math.isfinite(self.max_length) or self.max_length <= 0
        ):
            raise InvalidProblemError(f"max_length must be > 0, got {self.max_length}")
        names = [(p.name, p.size) for p in self.pieces]
        dupes = sorted({f"{n} ({s})" if s else n for n, s in names if names.count((n, s)) > 1})
        if dupes:
            raise InvalidProblemError(f"pieces appear twice with the same name and size: {dupes}")
        if self.ratio is not None:
            ratio = dict(self.ratio)
            for size, count in ratio.items():
                if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                    raise InvalidProblemError(f"ratio for size {size!r} must be an integer >= 0")
            sizes = {p.size for p in self.pieces if p.size is not None}
            if sizes:
                missing = sorted(str(s) for s in ratio if s not in sizes)
                if missing:
                    raise InvalidProblemError(
                        f"ratio names size(s) {missing} that no piece has; sizes: {sorted(sizes)}"
                    )
            object.__setattr__(self, "ratio", dict(sorted(ratio.items(), key=lambda kv: kv[0])))
        items = self._expand()
        if not items:
            raise InvalidProblemError("the ratio and quantities ask for no pieces at all")
        object.__setattr__(self, "items", tuple(items))
        self._check_fits()

    # -- derived ---------------------------------------------------------------------------
    def copies_of(self, piece: Piece) -> int:
        if self.ratio is None:
            return piece.quantity
        if piece.size is None:
            return piece.quantity * sum(self.ratio.values())
        return piece.quantity * self.ratio.get(piece.size, 0)

    def rotations_of(self, piece: Piece) -> tuple[float, ...]:
        if piece.rotations is not None:
            return piece.rotations
        base = (piece.grain or self.grain).rotations
        if not self.tilt:
            return base
        out: list[float] = []
        for r in base:
            out += [geo.normalize_angle(r - self.tilt), r, geo.normalize_angle(r + self.tilt)]
        return tuple(dict.fromkeys(out))

    def _expand(self) -> list[ItemType]:
        items: list[ItemType] = []
        for index, piece in enumerate(self.pieces):
            copies = self.copies_of(piece)
            if copies == 0:
                continue
            align = geo.rotation(-piece.grain_angle)
            rots = self.rotations_of(piece)
            mirrored_copies = copies // 2 if piece.pair else 0
            for mirrored, demand in ((False, copies - mirrored_copies), (True, mirrored_copies)):
                if demand == 0:
                    continue
                to_solver = geo.compose(geo.MIRROR_X_AXIS, align) if mirrored else align
                shape = geo.oriented(geo.apply(to_solver, piece.outline))
                items.append(
                    ItemType(
                        key=f"{len(items)}",
                        piece_index=index,
                        piece=piece,
                        mirrored=mirrored,
                        demand=demand,
                        rotations=rots,
                        shape=shape,
                        to_solver=to_solver,
                    )
                )
        return items

    def _check_fits(self) -> None:
        height = self.width + self.spacing
        limit = None
        if self.max_length is not None:
            limit = self.max_length - self.start_allowance - self.end_allowance + self.spacing
            if limit <= self.spacing:
                raise InvalidProblemError(
                    f"max_length {self.max_length:g} leaves no room after the allowances"
                )
        tol = self.width * self.fit_epsilon
        for item in self.items:
            shape = geo.offset_conservative(item.shape, self.spacing / 2)
            fits = False
            sizes = []
            for r in item.rotations:
                length, h = geo.extent_after_rotation(shape, r)
                sizes.append(f"{r:g}°: {h - self.spacing:.6g}")
                if h <= height + tol and (limit is None or length <= limit + tol):
                    fits = True
                    break
            if not fits:
                if limit is not None and all(
                    geo.extent_after_rotation(shape, r)[1] <= height + tol for r in item.rotations
                ):
                    raise InvalidPieceError(
                        item.piece.label,
                        f"is longer than the maximum marker length {self.max_length:g} "
                        "in every allowed orientation",
                    )
                raise InvalidPieceError(
                    item.piece.label,
                    f"fits the usable width {self.width:g} in no allowed orientation "
                    f"(height across the fabric {', '.join(sizes)}"
                    + (f", spacing {self.spacing:g}" if self.spacing else "")
                    + ")",
                )
        if limit is not None:
            need = self.piece_area / self.width
            if need > limit:
                raise InvalidProblemError(
                    f"the pieces cover {self.piece_area:.6g} and need a marker of at least "
                    f"{need + self.start_allowance + self.end_allowance:.6g}, longer than "
                    f"max_length {self.max_length:g}"
                )

    @property
    def piece_area(self) -> float:
        """Total area of every copy to cut (outer outlines)."""
        return sum(item.piece.area * item.demand for item in self.items)

    @property
    def num_copies(self) -> int:
        return sum(item.demand for item in self.items)

    def with_changes(self, **changes: object) -> ProblemData:
        """A new, re-validated problem with some fields changed (width, ratio, spacing ...)."""
        values = {
            f: getattr(self, f)
            for f in (
                "pieces", "width", "ratio", "max_length", "grain", "tilt", "spacing",
                "start_allowance", "end_allowance", "fit_epsilon", "name", "units",
            )
        }
        values.update(changes)
        return ProblemData(**values)  # type: ignore[arg-type]


def parse_ratio(text: str) -> dict[str, int]:
    """``"S=1,M=2,L=2"`` → ``{"S": 1, "M": 2, "L": 2}``; a bare ``"3"`` → ``{"": 3}``."""
    text = text.strip()
    if not text:
        raise InvalidProblemError("empty ratio")
    if "=" not in text and ":" not in text:
        try:
            return {"": int(text)}
        except ValueError:
            raise InvalidProblemError(f"cannot read ratio {text!r}") from None
    out: dict[str, int] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        sep = "=" if "=" in part else ":"
        size, _, count = part.partition(sep)
        try:
            out[size.strip()] = int(count)
        except ValueError:
            raise InvalidProblemError(f"cannot read ratio entry {part!r}") from None
    return out


def pieces_from_rings(
    rings: Iterable[Sequence[Point]], *, quantity: int = 1, prefix: str = "p"
) -> tuple[Piece, ...]:
    """Convenience for tests and notebooks: unnamed rings → pieces p0, p1, ..."""
    return tuple(
        Piece(name=f"{prefix}{i}", outline=tuple(r), quantity=quantity) for i, r in enumerate(rings)
    )
