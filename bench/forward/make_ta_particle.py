#!/usr/bin/env python3
"""A dense random Ta particle for the forward benchmarks: random sequential addition of atoms
at least 2.3 Å apart inside a sphere, then kept to the requested count (≈ 0.055 atoms/Å³, the
density of Ta glass). A stand-in until `vitrum sim` makes MD glasses (issue 3); it is not a
glass structure, only a particle of the right size, density and species for imaging.

Usage: /usr/bin/python3 make_ta_particle.py ATOMS OUT.xyz [SEED]
"""
import sys

import numpy as np


def main():
    atoms, out = int(sys.argv[1]), sys.argv[2]
    rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    radius = (3 * atoms / (4 * np.pi * 0.055)) ** (1 / 3)
    box = 2 * radius + 10
    cell = 2.3
    grid = {}
    placed = []
    tries = 0
    while len(placed) < atoms and tries < 200 * atoms:
        tries += 1
        p = rng.uniform(-radius, radius, 3)
        if p @ p > radius * radius:
            continue
        key = tuple((p // cell).astype(int))
        near = [q for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1)
                for q in grid.get((key[0] + dx, key[1] + dy, key[2] + dz), [])]
        if any(np.sum((q - p) ** 2) < cell * cell for q in near):
            continue
        grid.setdefault(key, []).append(p)
        placed.append(p)
    if len(placed) < atoms:
        sys.exit(f"only {len(placed)} of {atoms} atoms fit; lower the count")
    with open(out, "w") as f:
        f.write(f"{atoms}\nLattice=\"{box} 0 0 0 {box} 0 0 0 {box}\" "
                "Properties=species:S:1:pos:R:3 pbc=\"F F F\"\n")
        for p in placed:
            x, y, z = p + box / 2
            f.write(f"Ta {x:.5f} {y:.5f} {z:.5f}\n")


if __name__ == "__main__":
    main()
