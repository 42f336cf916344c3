#!/usr/bin/env bash
# The benchmarks at 10M tickets on a machine with Python 3.12 and no internet.
#
#   bash benchmarks/device_run.sh [STEP...]     (from the repository root; default: all steps)
#
# Steps, in order:
#   install   the wheels of .whl/ into $SITE, and the package laid out as installed in $SRC
#             (.whl/ is not in git: fill it where pip works, for the target's Python, e.g.
#             `pip download --no-deps --only-binary=:all: --python-version 3.12 --platform
#             manylinux_2_28_x86_64 -d .whl duckdb==V sqlglot==V lark==V jsonschema==V attrs==V
#             referencing==V jsonschema-specifications==V rpds-py==V tzdata==V interegular==V`,
#             each V as in `pip freeze` of the venv)
#             (grammar/ and specs/ are reportbuilder.grammar / .specs only once installed)
#   generate  $TICKETS tickets into $DATA (skipped when $DATA/tickets.parquet exists)
#   memory    peak RSS of `rb run` vs the hand-written query per report (peak_memory.py)
#   bench     rb vs hand-written timings (run_benchmarks.py --repeat $REPEAT)
# Memory runs before bench: it is shorter, and the timing run writes its JSON only at the
# end (its log keeps the finished reports if it is cut off).
#
# Settings (environment): PYTHON (python3), OUT (./out), TICKETS (10000000), DATA
# (/tmp/rb_10m for 10M), REPEAT (3), SITE (/tmp/site; empty: no wheel install, use PYTHON's own
# packages), SRC (/tmp/rb_src), BUDGET (seconds for all the steps together: each command
# is stopped at what is left, so the script ends inside a time limit; 0 = none), DRY=1 (print
# the commands only). Logs and JSON go to $OUT: <step>.log, memory_10m.json, bench_10m.json.
set -uo pipefail

PYTHON=${PYTHON:-python3}
OUT=${OUT:-$PWD/out}
TICKETS=${TICKETS:-10000000}
if [ $((TICKETS % 1000000)) -eq 0 ]; then SIZE=$((TICKETS / 1000000))m
elif [ $((TICKETS % 1000)) -eq 0 ]; then SIZE=$((TICKETS / 1000))k
else SIZE=$TICKETS; fi
DATA=${DATA:-/tmp/rb_$SIZE}
REPEAT=${REPEAT:-3}
SITE=${SITE-/tmp/site}
SRC=${SRC:-/tmp/rb_src}
BUDGET=${BUDGET:-0}
DRY=${DRY:-}
STEPS=("$@")
[ ${#STEPS[@]} -eq 0 ] && STEPS=(install generate memory bench)

mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
export PYTHONPATH="${SITE:+$SITE:}$SRC${PYTHONPATH:+:$PYTHONPATH}"

# run LOG CMD...: print CMD, run it (unless DRY) with its output teed into $OUT/LOG, timed.
run() {
    local log=$1; shift
    echo "+ $*" | tee -a "$OUT/$log"
    [ -n "$DRY" ] && return 0
    local started=$SECONDS left=$((BUDGET - SECONDS))
    if [ "$BUDGET" -gt 0 ] && [ "$left" -le 0 ]; then
        echo "= skipped: the budget of $BUDGET s is spent" | tee -a "$OUT/$log"
        return 124
    elif [ "$BUDGET" -gt 0 ]; then
        timeout "$left" "$@" 2>&1 | tee -a "$OUT/$log"
    else
        "$@" 2>&1 | tee -a "$OUT/$log"
    fi
    local rc=$?
    echo "= exit $rc after $((SECONDS - started)) s" | tee -a "$OUT/$log"
    return $rc
}

cd_src() { [ -n "$DRY" ] || cd "$SRC"; }

step_install() {
    if [ -n "$SITE" ]; then
        run install.log "$PYTHON" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
            --upgrade --target "$SITE" .whl/*.whl || return
    fi
    run install.log rm -rf "$SRC" &&
    run install.log mkdir -p "$SRC" &&
    run install.log cp -r reportbuilder benchmarks "$SRC/" &&
    run install.log cp -r grammar "$SRC/reportbuilder/grammar" &&
    run install.log cp -r specs "$SRC/reportbuilder/specs" || return
    run install.log "$PYTHON" -c "import sys, os, duckdb, sqlglot, lark, jsonschema, reportbuilder.cli
print(sys.version.split()[0], 'duckdb', duckdb.__version__, 'sqlglot', sqlglot.__version__,
      'cpus', os.cpu_count(), 'ram GiB', round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30, 1))
print('altair imported:', 'altair' in sys.modules)"
}

step_generate() {
    if [ -z "$DRY" ] && [ -f "$DATA/tickets.parquet" ]; then
        echo "$DATA exists: not generated again" | tee -a "$OUT/generate.log"
        return 0
    fi
    run generate.log "$PYTHON" "$SRC/benchmarks/generate_scale.py" --tickets "$TICKETS" -o "$DATA" &&
    run generate.log du -sh "$DATA"
}

step_memory() {
    # from $SRC: `python -m` puts the working directory first on sys.path
    (cd_src && run memory.log "$PYTHON" "$SRC/benchmarks/peak_memory.py" --data "$DATA" \
        --rb-command "$PYTHON -m reportbuilder" --json "$OUT/memory_$SIZE.json")
}

step_bench() {
    # from $SRC: `python -m` puts the working directory first on sys.path
    (cd_src && run bench.log "$PYTHON" "$SRC/benchmarks/run_benchmarks.py" --data "$DATA" --repeat "$REPEAT" \
        --json "$OUT/bench_$SIZE.json")
}

status=0
for step in "${STEPS[@]}"; do
    case $step in
        install|generate|memory|bench) "step_$step" || { status=1; echo "step $step failed"; } ;;
        *) echo "unknown step: $step (install, generate, memory, bench)"; exit 2 ;;
    esac
    # nothing to measure without the package or the data
    [ $status -ne 0 ] && { [ "$step" = install ] || [ "$step" = generate ]; } && exit 1
done
exit $status
