#!/usr/bin/env bash
# tests/e2e/report.sh - `faultline report` over a sweep with findings
# (corpus/tornsave, EIO and kill on every write): the HTML page holds every
# finding's repro line, references nothing outside itself, escapes what it
# shows, and renders in headless Chromium (screenshot, and the DOM has the
# findings rows); --json agrees with replay; bad input is one line, exit 2.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

C=$REPO_ROOT/corpus/tornsave
mkdir -p "$TMP/work"
cd "$TMP/work" || finish
sh "$C/setup.sh"
run_bounded "$FL" record -q -d "$TMP/t.db" -- "$C/tornsave" >/dev/null 2>&1
check "record corpus/tornsave" test -s "$TMP/t.db"
run_bounded "$FL" replay -d "$TMP/t.db" --family write --fault EIO,kill --no-std -q --json \
	--setup "sh $C/setup.sh" --check "sh $C/check.sh" >"$TMP/sweep.json" 2>"$TMP/err"
rc=$?
bugs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["broken"])' \
	"$TMP/sweep.json" 2>/dev/null)
if [ $rc = 1 ] && [ "${bugs:-0}" -ge 1 ] 2>/dev/null; then
	pass "sweep finds $bugs broken runs"
else
	fail "sweep: exit $rc, broken '$bugs'"
	sed 's/^/#   /' "$TMP/err"
fi

cd "$TMP" || finish
run_bounded "$FL" report --db t.db --html out.html >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc = 0 ] && [ ! -s "$TMP/err" ] && [ -s out.html ] && grep -q "wrote out.html: $bugs findings" "$TMP/out"; then
	pass "report --html writes out.html ($(wc -c <out.html) bytes)"
else
	fail "report --html: exit $rc"
	sed 's/^/#   /' "$TMP/out" "$TMP/err"
fi

# Every finding's repro line is on the page (HTML-escaped, so unescape first).
missing=$(python3 - "$TMP/sweep.json" out.html <<'EOF'
import html, json, sys
runs = json.load(open(sys.argv[1]))["runs"]
page = html.unescape(open(sys.argv[2], encoding="utf-8").read())
bugs = [r for r in runs if r["outcome"] in ("crash", "hang", "broken")]
print(sum(1 for r in bugs if r["repro"] not in page) if bugs else "none")
EOF
)
check "the page holds every finding's repro line" test "$missing" = 0

urls=$(grep -oE '(https?:)?//[A-Za-z0-9.-]+\.[a-z]{2,}[^"<> ]*' out.html | grep -v '^http://www.w3.org/2000/svg$')
if [ -z "$urls" ] && ! grep -qiE '<(link|img|iframe)|src=' out.html; then
	pass "no external references (no URLs, no src=, no <link>)"
else
	fail "external references: $(printf '%s' "$urls" | head -3 | tr '\n' ' ')"
fi
check "CSS, JS and SVG are inline" grep -q '<style>.*<svg.*<script>' <(tr -d '\n' <out.html)

# --json agrees with replay's own summary
python3 - "$TMP/sweep.json" <("$FL" report --db t.db --json) <<'EOF' >"$TMP/cmp" 2>&1
import json, sys
sweep, rep = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
want = sorted((r["point"], r["fault"], r["outcome"], r["repro"]) for r in sweep["runs"]
              if r["outcome"] in ("crash", "hang", "broken"))
got = sorted((f["point"], f["fault"], f["outcome"], f["repro"]) for f in rep["findings"])
assert rep["runs"] == len(sweep["runs"]), (rep["runs"], len(sweep["runs"]))
assert rep["outcomes"]["broken"] == sweep["summary"]["broken"]
assert got == want, (got, want)
assert rep["calls"] > 0 and rep["points"] > 0 and rep["exit"] == 0
print("same")
EOF
check "report --json: same runs, outcomes and findings as replay" grep -qx same "$TMP/cmp"
run_bounded "$FL" report --db t.db >"$TMP/out" 2>&1
nf=$(run_bounded "$FL" report --db t.db --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["failures"]))')
check "report (text) lists the $nf distinct failures of $bugs bug runs, a repro line each" \
	sh -c "[ '$nf' -ge 1 ] && [ '$nf' -le '$bugs' ] && [ \$(grep -c '^    repro: faultline replay' '$TMP/out') = '$nf' ] && grep -q '^$nf distinct failure' '$TMP/out'"

# Escaping: what the program and its arguments say is shown, never parsed.
run_bounded "$FL" record -q -d "$TMP/e.db" -- /bin/echo '<i>x&y</i>' "it's \"q\"" >/dev/null 2>&1
run_bounded "$FL" report --db "$TMP/e.db" --html e.html >/dev/null 2>&1
if [ -s e.html ] && ! grep -q '<i>x' e.html && grep -qF '&lt;i&gt;x&amp;y&lt;/i&gt;' e.html &&
   grep -qF '&#39;it&#39;\&#39;&#39;s &quot;q&quot;&#39;' e.html; then
	pass "HTML escaping of argv (<, >, &, quotes)"
else
	fail "HTML escaping of argv"
fi

# Bad input: one line on stderr, exit 2, nothing written.
bad() {
	local desc=$1
	shift
	run_bounded "$FL" report "$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && [ ! -s "$TMP/out" ] && [ ! -e bad.html ]; then
		pass "report $desc: exit 2, one line"
	else
		fail "report $desc: exit $rc, $(wc -l <"$TMP/err") stderr lines"
		sed 's/^/#   /' "$TMP/err"
	fi
}
head -c 20000 /dev/urandom >random.db
bad "of a missing database" --db nope.db --html bad.html
bad "of a random file" --db random.db --html bad.html
bad "of a missing sweep" --db t.db --sweep 99 --html bad.html
bad "of a missing recording" --db t.db --rec 7 --html bad.html
bad "with a stray argument" --db t.db stray

# Render it: a screenshot, and the DOM after the page's scripts ran.
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
	note "SKIP: chromium not installed, the page is not rendered (not counted)"
else
	flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	       --disable-background-networking --disable-component-update --disable-sync)
	run_bounded "$chrome" "${flags[@]}" --user-data-dir="$(mktemp -d "$TMP/chrome.XXXXXX")" \
		--screenshot="$TMP/shot.png" --window-size=1200,1600 "file://$TMP/out.html" \
		>"$TMP/chrome.log" 2>&1
	size=$(stat -c %s "$TMP/shot.png" 2>/dev/null || echo 0)
	if [ "$size" -gt 10240 ] && file "$TMP/shot.png" | grep -q 'PNG image data, 1200 x 1600'; then
		pass "chromium renders the page: 1200x1600 PNG, $size bytes"
	else
		fail "chromium screenshot: $size bytes"
		tail -n 3 "$TMP/chrome.log" | sed 's/^/#   /'
	fi
	run_bounded "$chrome" "${flags[@]}" --user-data-dir="$(mktemp -d "$TMP/chrome.XXXXXX")" \
		--dump-dom "file://$TMP/out.html" >"$TMP/dom.html" 2>"$TMP/chrome.log"
	rows=$(grep -o '<tr class="finding-row">' "$TMP/dom.html" | wc -l)
	cards=$(grep -o '<section class="card finding" id="f-[0-9]*">' "$TMP/dom.html" | wc -l)
	if [ "$rows" = "$bugs" ] && [ "$cards" = "$bugs" ] && grep -q '<svg' "$TMP/dom.html"; then
		pass "the rendered DOM has the $bugs findings rows, their cards and the timeline"
	else
		fail "rendered DOM: $rows findings rows, $cards cards, want $bugs"
	fi
fi

finish
