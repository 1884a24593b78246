"""check_footprint.py - read `size -t` totals from stdin, enforce limits.

Prints `runtime footprint: flash N B, ram M B` (text + data in flash,
data + bss in RAM) and exits 1 when either is over its limit.
"""
import argparse
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-flash", type=int, required=True)
    parser.add_argument("--max-ram", type=int, required=True)
    args = parser.parse_args()
    totals = [line.split() for line in sys.stdin if "(TOTALS)" in line]
    if not totals:
        print("check_footprint: no (TOTALS) line in the input", file=sys.stderr)
        return 1
    text, data, bss = (int(v) for v in totals[-1][:3])
    flash, ram = text + data, data + bss
    print(f"runtime footprint: flash {flash} B, ram {ram} B")
    if flash > args.max_flash or ram > args.max_ram:
        print(f"check_footprint: over the limits (flash {args.max_flash} B, "
              f"ram {args.max_ram} B)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
