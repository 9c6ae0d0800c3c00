"""Interoperability: h5py (and mrcfile, if installed) read what `vitrum demo` writes.

Run by ctest as `/usr/bin/python3 test_h5py_emd.py <vitrum-binary>`. The script runs
`<vitrum> demo --quick --out <tmpdir>` (the AET chain, each stage a `vitrum` command) and
checks, independently of vitrum's own reader, that

  * stem/tilts.h5 and tomo/volume.h5 hold 3-D EMD data groups in the layout of DESIGN.md
    ("File formats", "Result schemas") and core/include/vitrum/core/hdf5_file.hpp: root
    attributes version_major = 1, version_minor = 0; /data/<name> with emd_group_type = 1;
    a float32 `data` dataset; dim1..dimN coordinate vectors with `name` and `units` strings;
  * the groups are found the way ncempy (fileEMD.find_emdgroups) and HyperSpy look for them;
  * tilts.h5 has /data/tilt_series/euler_deg [ntilt][3] whose θ column is dim1;
  * every .h5 file has /meta with command, parameters, version and seed;
  * every .mrc file passes mrcfile.validate (MRC2014) with mode 2 and a little-endian stamp;
  * HyperSpy (python3-hyperspy, if installed) loads the tilt series with axis names, units
    and scales from the dims.
Checks whose package is missing are reported as skipped.
"""

import io
import pathlib
import subprocess
import sys
import tempfile

import h5py
import numpy as np


def text(value):
    """An HDF5 string attribute as str (h5py gives str or bytes depending on storage)."""
    if isinstance(value, np.ndarray):
        value = value.reshape(-1)[0]
    return value.decode("utf-8") if isinstance(value, (bytes, np.bytes_)) else str(value)


def emd_groups(h5file):
    """Groups marked emd_group_type == 1 that contain `data`, as ncempy finds them."""
    found = []

    def visit(name, obj):
        if isinstance(obj, h5py.Group) and obj.attrs.get("emd_group_type") == 1 and "data" in obj:
            found.append(obj)

    h5file.visititems(visit)
    return found


def check_emd_group(group, path):
    data = group["data"]
    assert data.dtype == np.float32, f"{path}:{data.name} is {data.dtype}, expected float32"
    for k in range(1, data.ndim + 1):
        name = f"dim{k}"
        assert name in group, f"{path}:{group.name} has no {name} for a rank-{data.ndim} array"
        dim = group[name]
        extent = data.shape[k - 1]
        assert dim.ndim == 1, f"{path}:{dim.name} is not 1-D"
        assert len(dim) == extent or (extent < 2 and len(dim) == 2), (
            f"{path}:{dim.name} has {len(dim)} coordinates for an axis of {extent}")
        assert np.all(np.isfinite(dim[:])), f"{path}:{dim.name} has non-finite coordinates"
        for attribute in ("name", "units"):
            assert attribute in dim.attrs, f"{path}:{dim.name} lacks attribute '{attribute}'"
            assert text(dim.attrs[attribute]), f"{path}:{dim.name} has an empty '{attribute}'"
    return data.ndim


def check_file_header(h5file, path):
    assert h5file.attrs.get("version_major") == 1, f"{path}: root version_major is not 1"
    assert h5file.attrs.get("version_minor") == 0, f"{path}: root version_minor is not 0"
    assert "meta" in h5file, f"{path}: /meta (provenance) is missing"
    meta = h5file["meta"].attrs
    for key in ("command", "parameters", "version"):
        assert key in meta, f"{path}: /meta lacks '{key}'"
        text(meta[key])
    assert "seed" in meta and np.issubdtype(np.asarray(meta["seed"]).dtype, np.integer), (
        f"{path}: /meta seed is missing or not an integer")
    assert "vitrum" in text(meta["command"]), f"{path}: /meta command is not a vitrum command line"


def check_volume(path):
    with h5py.File(path, "r") as f:
        check_file_header(f, path)
        assert "/data/volume" in f, f"{path}: /data/volume is missing"
        assert check_emd_group(f["/data/volume"], path) == 3, f"{path}: volume data is not 3-D"


def check_tilts(path):
    with h5py.File(path, "r") as f:
        check_file_header(f, path)
        assert "/data/tilt_series" in f, f"{path}: /data/tilt_series is missing"
        group = f["/data/tilt_series"]
        assert group in emd_groups(f), f"{path}: /data/tilt_series is not an EMD data group"
        assert check_emd_group(group, path) == 3, f"{path}: tilt series data is not 3-D"
        ntilt = group["data"].shape[0]
        euler = group["euler_deg"]
        assert euler.shape == (ntilt, 3), (
            f"{path}: euler_deg is {euler.shape}, expected ({ntilt}, 3)")
        np.testing.assert_allclose(group["dim1"][:], euler[:, 1],
                                   err_msg=f"{path}: dim1 is not the θ of euler_deg")
        assert "deg" in text(group["dim1"].attrs["units"]), f"{path}: dim1 units are not degrees"
        for k in (2, 3):
            units = text(group[f"dim{k}"].attrs["units"])
            assert "Å" in units, f"{path}: dim{k} units '{units}' are not Å"


def check_mrc(path):
    try:
        import mrcfile
    except ImportError:
        print(f"skipped {path.name}: python3-mrcfile is not installed")
        return
    report = io.StringIO()
    assert mrcfile.validate(str(path), print_file=report), f"{path}: {report.getvalue()}"
    with mrcfile.open(str(path), permissive=False) as mrc:
        assert int(mrc.header.mode) == 2, f"{path}: mode {mrc.header.mode}, expected 2"
        assert bytes(mrc.header.machst) == b"\x44\x44\x00\x00", f"{path}: machine stamp"
        assert int(mrc.header.nversion) == 20140, f"{path}: nversion {mrc.header.nversion}"
        assert mrc.data.dtype == np.float32 and mrc.data.ndim == 3, f"{path}: not a float volume"


def check_hyperspy(path):
    try:
        import hyperspy.api as hs
    except ImportError:
        print(f"skipped HyperSpy check of {path.name}: python3-hyperspy is not installed")
        return
    with h5py.File(path, "r") as f:
        dims = f["/data/tilt_series"]
        expected = {text(dims[f"dim{k}"].attrs["name"]): dims[f"dim{k}"][:] for k in (1, 2, 3)}
    signal = hs.load(str(path), reader="emd")
    signal = signal[0] if isinstance(signal, list) else signal
    axes = {axis.name: axis for axis in signal.axes_manager._axes}
    assert set(axes) == set(expected), (
        f"{path}: HyperSpy axes {sorted(axes)}, expected {sorted(expected)}")
    for name in ("x", "y"):
        units = axes[name].units
        assert units == "Å", f"{path}: HyperSpy axis {name} has units '{units}'"
        np.testing.assert_allclose([axes[name].offset, axes[name].scale],
                                   [expected[name][0], expected[name][1] - expected[name][0]],
                                   err_msg=f"{path}: HyperSpy axis {name} calibration")


def main():
    vitrum = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="vitrum_interop_") as tmp:
        out = pathlib.Path(tmp)
        command = [vitrum, "demo", "--quick", "--out", str(out)]
        run = subprocess.run(command, capture_output=True, text=True)
        assert run.returncode == 0, (
            f"`vitrum demo --quick --out DIR` failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
        check_volume(out / "tomo" / "volume.h5")
        check_tilts(out / "stem" / "tilts.h5")
        check_hyperspy(out / "stem" / "tilts.h5")
        # The cache holds the same files again; check the run folder's copies.
        h5_files = sorted(p for p in out.rglob("*.h5") if "cache" not in p.parts)
        for path in h5_files:
            with h5py.File(path, "r") as f:
                check_file_header(f, path)
                for group in emd_groups(f):
                    check_emd_group(group, path)
        mrc_files = sorted(p for p in out.rglob("*.mrc") if "cache" not in p.parts)
        for path in mrc_files:
            check_mrc(path)
        print(f"checked {len(h5_files)} HDF5 and {len(mrc_files)} MRC files of vitrum demo")


if __name__ == "__main__":
    main()
