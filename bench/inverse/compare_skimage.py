#!/usr/bin/python3
"""vitrum tomo (wbp, sirt, resire) side by side with scikit-image's iradon (FBP) and
iradon_sart (SART), slice by slice, on one single-axis series of a 3D phantom.

Phantom: a stack of `--slices` Shepp-Logan slices (skimage.data.shepp_logan_phantom, resized to
128 x 128, intensity 0...1) whose brightness varies smoothly along y, so the volume is 3D.
Projections: skimage.transform.radon of every slice at `--angles` uniformly spaced angles over
[0, 180) degrees (line integrals in pixel units; x 1 A/pixel = value * A, vitrum's unit). The
same sinograms go to both tools: skimage reconstructs slice by slice; vitrum reads them as a
tilt series in its HDF5 layout (/data/tilt_series, EMD; README "Result schemas").

Geometry. skimage rotates about pixel N//2 = 64 of a 128-pixel row and its detector coordinate
is s = c cos(a) - r sin(a) (r, c: row and column from the centre); vitrum's is
s = x cos(theta) + z sin(theta) (core/projector.hpp). So rows are z, columns x and
theta = -a. vitrum's box is a cube centred on the rotation centre; with 129 voxels its voxel
j sits on skimage's pixel j (128 pixels have their centre between two pixels), so vitrum
reconstructs 129^3 and the comparison crops 128 x 128 of the rows the detector covers.

Reported per method: wall time, the best scale a (reconstruction * a vs phantom, least
squares) and RMSE after it (phantom range 0...1) inside the cylinder every view sees (the disc
of radius 64 pixels of each slice, where skimage reconstructs: it zeroes the rest) and over the
whole square, and the ratios vitrum/skimage of times and in-disc errors for the matching pairs
(wbp-fbp, sirt-sart, resire-sart).
vitrum runs with --threads (default 1, as skimage is single-threaded); note that vitrum's
cubic box makes it work on 129^3 voxels whatever --slices is.

Usage: /usr/bin/python3 bench/inverse/compare_skimage.py build/apps/vitrum [--slices 32]
       [--angles 60] [--iterations 50] [--sart-iterations 2] [--threads 1]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
from skimage.data import shepp_logan_phantom
from skimage.transform import iradon, iradon_sart, radon, resize

N = 128


def phantom(slices):
    base = resize(shepp_logan_phantom(), (N, N), anti_aliasing=True, order=1)
    base = np.clip(base, 0.0, None)
    y = (np.arange(slices) - (slices - 1) / 2) / max(slices, 1)
    envelope = 0.7 + 0.3 * np.cos(np.pi * y)
    return np.stack([base * e for e in envelope], axis=1)  # [z=row][y][x=column]


def check_geometry():
    """A point at (row, col) projects where the derivation in the docstring says."""
    img = np.zeros((N, N))
    r0, c0 = 50, 80
    img[r0, c0] = 1.0
    for a in (0.0, 30.0, 90.0, 135.0):
        p = radon(img, theta=[a], circle=True)[:, 0]
        s = (c0 - N // 2) * np.cos(np.radians(a)) - (r0 - N // 2) * np.sin(np.radians(a))
        centroid = np.sum(p * np.arange(N)) / np.sum(p) - N // 2
        assert abs(centroid - s) < 0.6, (a, centroid, s)


def write_series(path, sino, angles_deg, slices, pixel_A=1.0):
    """sino [y][detector][angle] -> vitrum tilt series [tilt][y][x], theta = -a."""
    ntilt = len(angles_deg)
    images = np.ascontiguousarray(np.transpose(sino, (2, 0, 1)) * pixel_A, dtype=np.float32)
    theta = -np.asarray(angles_deg, dtype=float)
    with h5py.File(path, "w") as f:
        g = f.create_group("data/tilt_series")
        g.attrs["emd_group_type"] = np.int64(1)
        g.create_dataset("data", data=images)
        for k, (name, units, coords) in enumerate(
            [
                ("tilt angle", "deg", theta),
                ("y", "Å", (np.arange(slices) - slices // 2) * pixel_A),
                ("x", "Å", (np.arange(N) - N // 2) * pixel_A),
            ],
            start=1,
        ):
            d = g.create_dataset("dim%d" % k, data=np.asarray(coords, dtype=float))
            d.attrs["name"] = name
            d.attrs["units"] = "[%s]" % units
        e = np.zeros((ntilt, 3))
        e[:, 1] = theta
        g.create_dataset("euler_deg", data=e).attrs["units"] = "deg"
        f.create_dataset("geometry/rotation_center_A", data=np.zeros(3)).attrs["units"] = "Å"


def disc_mask():
    r, c = np.mgrid[:N, :N] - N // 2
    return (r * r + c * c) <= (N // 2) ** 2


def best_scale_rmse(rec, truth):
    """Best scale and RMSE inside the disc of every slice, and RMSE over the whole square."""
    m = np.broadcast_to(disc_mask()[:, None, :], truth.shape)
    a = float(np.sum(rec[m] * truth[m]) / np.sum(rec[m] * rec[m]))
    inside = float(np.sqrt(np.mean((a * rec[m] - truth[m]) ** 2)))
    return a, inside, float(np.sqrt(np.mean((a * rec - truth) ** 2)))


def run_vitrum(vitrum, tilts, out, threads, sets):
    cmd = [vitrum, "--quiet", "--threads", str(threads), "tomo", "--tilts", tilts, "--out", out]
    for s in sets:
        cmd += ["--set", s]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - t0


def vitrum_volume(out, slices):
    with h5py.File(out, "r") as f:
        v = f["/data/volume/data"][...]
        y = f["/data/volume/dim2"][...]
    rows = [int(np.argmin(np.abs(y - (k - slices // 2)))) for k in range(slices)]
    return v[:N][:, rows][:, :, :N]  # [z][y][x] -> 128 x slices x 128


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vitrum")
    ap.add_argument("--slices", type=int, default=32)
    ap.add_argument("--angles", type=int, default=60)
    ap.add_argument("--iterations", type=int, default=50)
    ap.add_argument("--sart-iterations", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    vitrum = os.path.abspath(args.vitrum)
    check_geometry()

    truth = phantom(args.slices)
    angles = np.arange(args.angles) * 180.0 / args.angles
    sino = np.stack([radon(truth[:, k, :], theta=angles, circle=True) for k in range(args.slices)])
    print("phantom %d x %d x %d (z, y, x), %d angles over [0, 180), %d threads for vitrum"
          % (N, args.slices, N, args.angles, args.threads))

    rows = []

    def report(name, seconds, rec):
        a, rmse, whole = best_scale_rmse(rec, truth)
        rows.append((name, seconds, a, rmse))
        print("%-28s %8.2f s   scale %.4f   RMSE in disc %.4f (whole square %.4f)"
              % (name, seconds, a, rmse, whole), flush=True)

    t0 = time.perf_counter()
    fbp = np.stack(
        [iradon(sino[k], theta=angles, output_size=N, filter_name="ramp", circle=True)
         for k in range(args.slices)], axis=1)
    report("skimage iradon (FBP, ramp)", time.perf_counter() - t0, fbp)

    t0 = time.perf_counter()
    sart = []
    for k in range(args.slices):
        s = None
        for _ in range(args.sart_iterations):
            s = iradon_sart(sino[k], theta=angles, image=s)
        sart.append(s)
    report("skimage iradon_sart x%d" % args.sart_iterations, time.perf_counter() - t0,
           np.stack(sart, axis=1))

    with tempfile.TemporaryDirectory() as work:
        tilts = os.path.join(work, "tilts.h5")
        write_series(tilts, sino, angles, args.slices)
        common = ["volume.size_voxels=129"]
        for method, extra in (("wbp", []), ("sirt", ["iterations=%d" % args.iterations]),
                              ("resire", ["iterations=%d" % args.iterations])):
            out = os.path.join(work, method + ".h5")
            seconds = run_vitrum(vitrum, tilts, out, args.threads,
                                 common + ["method=" + method] + extra)
            label = "vitrum %s" % method + ("" if method == "wbp" else " x%d" % args.iterations)
            report(label, seconds, vitrum_volume(out, args.slices))

    fbp_row, sart_row = rows[0], rows[1]
    print("\nratios vitrum / skimage (time, RMSE in disc):")
    for r in rows[2:]:
        ref = fbp_row if " wbp" in r[0] else sart_row
        print("  %-22s vs %-28s time %6.2f   RMSE %6.3f" % (r[0], ref[0], r[1] / ref[1], r[3] / ref[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
