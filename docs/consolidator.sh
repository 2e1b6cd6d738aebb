# Sourced by the docs scripts from the repository root: `consolidator` is the CLI built here in Release, unless the
# caller (docs/refresh.sh) has defined it already. Exported, so that `bash -c 'consolidator ...'` (under GNU time) sees it.
if ! declare -F consolidator > /dev/null; then
  dotnet build src/Consolidator.Cli -c Release -v quiet -nologo >&2
  consolidator() { dotnet src/Consolidator.Cli/bin/Release/net10.0/Consolidator.Cli.dll "$@"; }
  export -f consolidator
fi
