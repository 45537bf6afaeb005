#!/usr/bin/env python3
"""Generates the benchmark sites: the same realistic prose as a folio project and a Hugo
project, optionally with chart directives on the OWID CO2 snapshot, and a large CSV.

Usage:
  gensite.py prose N OUT            folio site OUT/folio and Hugo site OUT/hugo, N pages
  gensite.py charts N C OWID OUT    folio site with N pages and C charts on OWID (a CSV)
  gensite.py csv MEGABYTES OUT      a snapshot of about that size, in a dataset
  gensite.py derived MEGABYTES OUT  the same, and a derived dataset aggregating it
  gensite.py hugo-of CONTENT OUT    Hugo site OUT/hugo of a folio project's chapters (the
                                    same Markdown, directives left as text)
Deterministic: the same arguments give the same files.
"""
import os, random, shutil, sys

WORDS = ("model open weights download share developer country study report data release "
         "training compute cost parameter benchmark leaderboard tracker license community "
         "fine-tune derivative family origin market policy export control chip inference "
         "growth frontier capability evidence source figure version snapshot number analysis "
         "the of and to in a is that for on with as by at from it this be are was were which "
         "their its more than over most new first between these have has been other into").split()

def sentence(rng):
    n = rng.randint(8, 22)
    words = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.2:
        i = rng.randrange(n)
        words[i] = f"*{words[i]}*"
    if rng.random() < 0.1:
        i = rng.randrange(n)
        words[i] = f"[{words[i]}](https://example.org/{words[i]})"
    if rng.random() < 0.1:
        i = rng.randrange(n)
        words[i] = f"`{words[i]}`"
    s = " ".join(words)
    return s[0].upper() + s[1:] + "."

def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 7)))

def body(rng, sections=4):
    parts = []
    for s in range(sections):
        parts.append(f"## Section {s + 1}: {rng.choice(WORDS)} {rng.choice(WORDS)}\n")
        for _ in range(rng.randint(2, 4)):
            parts.append(paragraph(rng) + "\n")
        if rng.random() < 0.3:
            parts.append("\n".join(f"- {sentence(rng)}" for _ in range(4)) + "\n")
    return "\n".join(parts)

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)

def prose(n, out, charts=0, owid=None):
    rng = random.Random(42)
    if os.path.exists(out):
        shutil.rmtree(out)
    folio, hugo = os.path.join(out, "folio"), os.path.join(out, "hugo")
    write(os.path.join(folio, "folio.toml"), 'title = "Benchmark"\nbase_url = "https://example.org/bench/"\n')
    write(os.path.join(hugo, "hugo.toml"), 'title = "Benchmark"\nbaseURL = "https://example.org/bench/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n')
    write(os.path.join(hugo, "layouts", "_default", "single.html"),
          "<!doctype html><html><head><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>\n")
    write(os.path.join(hugo, "layouts", "_default", "list.html"),
          "<!doctype html><html><head><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>\n")
    write(os.path.join(hugo, "layouts", "index.html"),
          "<!doctype html><html><head><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>\n")
    front = "+++\ntitle = \"Benchmark\"\n+++\n\n" + paragraph(rng) + "\n"
    write(os.path.join(folio, "content", "_index.md"), front)
    write(os.path.join(hugo, "content", "_index.md"), front)
    countries = []
    if charts:
        import csv
        with open(owid, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        countries = sorted({r["country"] for r in rows if r["iso_code"] and len(r["iso_code"]) == 3})
        os.makedirs(os.path.join(folio, "data", "owid-co2"), exist_ok=True)
        shutil.copy(owid, os.path.join(folio, "data", "owid-co2", "v1.csv"))
        write(os.path.join(folio, "data", "owid-co2", "dataset.toml"),
              'title = "CO2"\nsource = "Our World in Data"\nsource_url = "https://github.com/owid/co2-data"\n'
              'license = "CC BY 4.0"\n[columns.year]\ntype = "integer"\n[columns.co2]\ntype = "number"\nunit = "Mt"\n')
    per_page = {}
    for c in range(charts):
        per_page.setdefault(c * n // charts, []).append(c)
    for i in range(n):
        text = body(rng)
        name = f"{i + 1:05d}-page-{i + 1}.md"
        title = f"Page {i + 1}: {rng.choice(WORDS)} {rng.choice(WORDS)}"
        header = f'+++\ntitle = "{title}"\nweight = {i + 1}\n+++\n\n'
        write(os.path.join(hugo, "content", name), header + text)
        for c in per_page.get(i, []):
            country = countries[c % len(countries)]
            kind = ["line", "bar", "area", "scatter"][c % 4]
            x = "co2" if kind == "scatter" else "year"
            y = "co2_per_capita" if kind == "scatter" else "co2"
            text += (f'\n```chart\nid = "chart-{c + 1}"\ntitle = "CO2 emissions of {country}"\n'
                     f'data = "owid-co2@v1"\ntype = "{kind}"\nx = "{x}"\ny = "{y}"\n'
                     f'where = {{ country = "{country}" }}\n```\n')
        write(os.path.join(folio, "content", name), header + text)

def big_csv(megabytes, out):
    rng = random.Random(7)
    if os.path.exists(out):
        shutil.rmtree(out)
    write(os.path.join(out, "folio.toml"), 'title = "Big"\n')
    write(os.path.join(out, "content", "_index.md"), '+++\ntitle = "Big"\n+++\n')
    d = os.path.join(out, "data", "big")
    write(os.path.join(d, "dataset.toml"),
          'title = "Big"\n[columns.country]\ntype = "string"\n[columns.year]\ntype = "integer"\n'
          '[columns.value]\ntype = "number"\n[columns.note]\ntype = "string"\n[columns.date]\ntype = "date"\n')
    target = megabytes * 1_000_000
    with open(os.path.join(d, "v1.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("country,year,value,note,date\n")
        size = 0
        lines = []
        while size < target:
            line = (f"{rng.choice(WORDS).title()} {rng.choice(WORDS)},{rng.randint(1900, 2025)},"
                    f"{rng.random() * 1000:.3f},\"{rng.choice(WORDS)}, {rng.choice(WORDS)}\",2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}\n")
            lines.append(line)
            size += len(line)
            if len(lines) >= 10000:
                f.write("".join(lines))
                lines = []
        f.write("".join(lines))

def derived(megabytes, out):
    """The big snapshot and a derived dataset that aggregates it: one row per country."""
    big_csv(megabytes, out)
    d = os.path.join(out, "data", "by-country")
    write(os.path.join(d, "dataset.toml"),
          'title = "By country"\n[derived."v1"]\ninputs = { big = "big@v1" }\n')
    write(os.path.join(d, "v1.sql"),
          "SELECT country, count(*) AS n, sum(value) AS total, min(year) AS first_year,\n"
          "       max(date) AS last_date\nFROM big\nGROUP BY country\nORDER BY country\n")

def hugo_of(content, out):
    """The same pages of prose for Hugo: a folio project's chapters, front matter and all."""
    if os.path.exists(out):
        shutil.rmtree(out)
    prose(0, out)
    hugo = os.path.join(out, "hugo")
    shutil.rmtree(os.path.join(out, "folio"))
    for name in sorted(os.listdir(content)):
        if name.endswith(".md"):
            shutil.copy(os.path.join(content, name), os.path.join(hugo, "content", name))

if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "prose":
        prose(int(sys.argv[2]), sys.argv[3])
    elif kind == "charts":
        prose(int(sys.argv[2]), sys.argv[5], charts=int(sys.argv[3]), owid=sys.argv[4])
    elif kind == "csv":
        big_csv(int(sys.argv[2]), sys.argv[3])
    elif kind == "derived":
        derived(int(sys.argv[2]), sys.argv[3])
    elif kind == "hugo-of":
        hugo_of(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
