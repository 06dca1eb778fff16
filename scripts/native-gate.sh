#!/usr/bin/env bash
# Native-image gate.
#
# With GraalVM/Mandrel (GRAALVM_HOME set, or native-image on PATH) it builds the native executable and runs the
# integration tests against it: ./mvnw -B verify -Dnative.
#
# Without it (the usual case here) it runs every Quarkus native build step without calling native-image
# (-Dquarkus.native.sources-only=true) and then checks the generated reflection configuration: each type that a
# @RegisterForReflection in target/classes names (its targets/classNames, or the annotated class itself) must be
# registered with its constructors, methods and fields, since that is what Jackson's data binding uses. The list is
# read from the compiled annotations, so it is whatever the code registers (see io.imageprune.service.NativeReflection);
# the gate catches an extension or a build change that drops a registration, not a type nobody listed.
#
# Usage: scripts/native-gate.sh [--check-only]   (--check-only: skip the build, check an existing target/)
set -euo pipefail
cd "$(dirname "$0")/.."

build=true
if [[ "${1:-}" == "--check-only" ]]; then
    build=false
fi

started=$SECONDS

if [[ -n "${GRAALVM_HOME:-}" ]] || command -v native-image >/dev/null 2>&1; then
    echo "native-gate: native-image available, building the executable and running the ITs against it"
    ./mvnw -B verify -Dnative
    echo "native-gate: OK in $((SECONDS - started)) s (native executable built and tested)"
    exit 0
fi

if $build; then
    echo "native-gate: no GraalVM here; running the native build steps only (sources-only)"
    ./mvnw -B package -Dnative -Dquarkus.native.sources-only=true -DskipTests
fi

sources=target/native-sources
if [[ ! -f "$sources/native-image.args" ]]; then
    echo "native-gate: FAILED: $sources/native-image.args was not produced" >&2
    exit 1
fi

# javap reads the annotations exactly as the compiler wrote them; parsing the Java sources instead would have to
# resolve imports and nested names.
annotated=()
while IFS= read -r -d '' class; do
    annotated+=("$class")
done < <(grep -lZr --include='*.class' -F 'Lio/quarkus/runtime/annotations/RegisterForReflection;' target/classes || true)
if [[ ${#annotated[@]} -eq 0 ]]; then
    echo "native-gate: FAILED: no class in target/classes carries @RegisterForReflection" >&2
    exit 1
fi
javap_out=$(mktemp)
trap 'rm -f "$javap_out"' EXIT
javap -v "${annotated[@]}" >"$javap_out"

python3 - "$sources" "$javap_out" <<'PY'
import glob, json, os, re, sys, zipfile

sources, javap_out = sys.argv[1], sys.argv[2]

def fail(msg):
    print("native-gate: FAILED: " + msg, file=sys.stderr)
    sys.exit(1)

# --- the types the code registers -------------------------------------------------------------------------------
expected = {}  # type -> where it is registered
text = open(javap_out, encoding="utf-8").read()
for block in re.split(r"^(?=Classfile )", text, flags=re.M):
    m = re.match(r"Classfile (\S+)", block)
    if not m:
        continue
    path = os.path.normpath(m.group(1))
    current = os.path.relpath(path, "target/classes")[:-len(".class")].replace(os.sep, ".")
    # javap prints a bare annotation without parentheses, one with elements as "Name(" ... ")" on lines of its own
    for ann in re.finditer(r"^\s*io\.quarkus\.runtime\.annotations\.RegisterForReflection(?:\(\n(.*?)^\s*\))?$",
                           block, flags=re.M | re.S):
        body = ann.group(1) or ""
        names = []
        t = re.search(r"^\s*targets=\[(.*)\]\s*$", body, flags=re.M)
        if t:
            names += [d.replace("/", ".") for d in re.findall(r"class L([^;]+);", t.group(1))]
        c = re.search(r"^\s*classNames=\[(.*)\]\s*$", body, flags=re.M)
        if c:
            names += re.findall(r'"([^"]+)"', c.group(1))
        if not t and not c:
            names.append(current)
        for n in names:
            expected.setdefault(n, current)
if not expected:
    fail("found @RegisterForReflection in target/classes but could not read any type from it (javap format changed?)")

# --- the reflection configuration Quarkus generated ----------------------------------------------------------------
# Quarkus writes META-INF/native-image/reflect-config.json into the runner jar (3.33); newer GraalVM-oriented
# builds use reachability-metadata.json with a "reflection" array. Both are read, from the runner jar and from any
# loose file under target/native-sources (the libraries' own configs in lib/ are not ours and are skipped).
documents = []
for jar in glob.glob(os.path.join(sources, "*-runner.jar")):
    with zipfile.ZipFile(jar) as z:
        for name in z.namelist():
            if name.startswith("META-INF/native-image/") and \
                    os.path.basename(name) in ("reflect-config.json", "reachability-metadata.json"):
                documents.append((jar + "!/" + name, json.loads(z.read(name))))
for root, dirs, files in os.walk(sources):
    dirs[:] = [d for d in dirs if os.path.join(root, d) != os.path.join(sources, "lib")]
    for f in files:
        if f in ("reflect-config.json", "reachability-metadata.json"):
            p = os.path.join(root, f)
            documents.append((p, json.load(open(p, encoding="utf-8"))))
if not documents:
    fail("no reflect-config.json or reachability-metadata.json in %s or its runner jar" % sources)

registered = {}  # type -> union of the registration flags of its entries
for where, doc in documents:
    entries = doc if isinstance(doc, list) else doc.get("reflection", [])
    for e in entries:
        name = e.get("name", e.get("type"))
        if not isinstance(name, str):
            continue  # proxies and lambdas are described by objects
        flags = registered.setdefault(name, set())
        flags.update(k for k, v in e.items() if v is True)
        if e.get("methods"):
            flags.add("methods")
        if e.get("fields"):
            flags.add("fields")

# Jackson finds creators, accessors and fields by reflection; an entry without them is as good as none.
needs = {
    "constructors": {"allDeclaredConstructors", "allPublicConstructors"},
    "methods": {"allDeclaredMethods", "allPublicMethods"},
    "fields": {"allDeclaredFields", "allPublicFields"},
}
problems = []
for name in sorted(expected):
    if name not in registered:
        problems.append("%s (listed in %s) is not in the generated reflection configuration" % (name, expected[name]))
        continue
    missing = [what for what, keys in needs.items() if not keys & registered[name]]
    if missing:
        problems.append("%s (listed in %s) is registered without its %s"
                        % (name, expected[name], ", ".join(missing)))
if problems:
    for p in problems:
        print("native-gate: FAILED: " + p, file=sys.stderr)
    sys.exit(1)

print("native-gate: %d registered types found in %s (%d entries):"
      % (len(expected), ", ".join(w for w, _ in documents), len(registered)))
for name in sorted(expected):
    print("  " + name)
PY

echo "native-gate: OK in $((SECONDS - started)) s (native build steps only; no native executable built)"
