# Shared install steps for scripts/serve and scripts/test (sourced, not run).

SYSTEM_PACKAGES=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
NODE_PACKAGES=(nodejs npm)  # installed only when npm is missing

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_system_packages() {
  local wanted=("${SYSTEM_PACKAGES[@]}" "$@") missing=()
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# The stack, one setting (README, "Two stacks"): OPENCPD_STACK=material (the default: MkDocs 1.6 +
# Material for MkDocs, in .venv/, pinned by requirements.txt) or OPENCPD_STACK=materialx
# (ProperDocs + mkdocs-materialx, in .venv-alt/, pinned by requirements-alt.txt). mkdocs.yml
# reads the same variable for the theme's name.
stack_venv() { if [ "${OPENCPD_STACK:-material}" = materialx ]; then echo .venv-alt; else echo .venv; fi; }
stack_lock() {
  if [ "${OPENCPD_STACK:-material}" = materialx ]; then echo requirements-alt.txt
  else echo requirements.txt; fi
}

install_python() {  # $1: extras besides the stack's, e.g. "test"
  local venv lock extras more
  venv=$(stack_venv) lock=$(stack_lock)
  case "${OPENCPD_STACK:-material}" in
    material|materialx) ;;
    *) echo "OPENCPD_STACK must be material or materialx, not '$OPENCPD_STACK'" >&2; return 1 ;;
  esac
  more=${1//[\[\]]/}  # "[test]" or "test"
  extras="${OPENCPD_STACK:-material}${more:+,$more}"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check \
    -c "$lock" -e ".[$extras]"
}

install_node_packages() {  # axe-core for the accessibility tests (package.json, pinned)
  [ -f package.json ] || return 0
  command -v npm >/dev/null || install_system_packages "${NODE_PACKAGES[@]}"
  npm ci --silent --no-audit --no-fund >/dev/null
}
