# Sourced by bin/start and bin/test: make .venv/ in the project root and install the project.
# Usage: setup_venv [extras]   (re-installs only when pyproject.toml changed)
setup_venv() {
  local extras="${1:-}"
  local py="${PYTHON:-}"
  if [ -z "$py" ]; then
    for candidate in python3.11 python3 python; do
      if command -v "$candidate" >/dev/null 2>&1; then py="$candidate"; break; fi
    done
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "› creating .venv with $("$py" --version)"
    "$py" -m venv .venv
  fi
  local spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  local stamp=".venv/.installed-$( (cat pyproject.toml; echo "$spec") | sha1sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "› installing $spec into .venv (first run takes a few minutes)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e "$spec"
    touch "$stamp"
  fi
}
