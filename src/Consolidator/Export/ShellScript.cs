using System.Globalization;
using System.Text;

namespace Consolidator.Export;

/// <summary>The one place that decides how anything from a plan, a dataset or a path reaches a generated shell
/// script. Every value goes in through <see cref="Quote"/> (a single bash word, whatever it holds) or
/// <see cref="Comment"/> (text that cannot end its comment line); the plan's ids are checked first by
/// <see cref="IdProblem"/> (refused when a manager's CLI would read them as an option or when they hold
/// characters that change how the script reads) and, where an id becomes part of a libvirt URI, by
/// <see cref="UriHostProblem"/>. Script writers call these and never format a value into a script themselves.</summary>
public static partial class ShellScript
{
    /// <summary>Text every script `export` writes holds in its header: a file at --out without it is not replaced.</summary>
    public const string Marker = "# Written by `consolidator export";

    /// <summary>A bash word that is exactly <paramref name="value"/>: single-quoted, a quote inside written as
    /// '\'' . Nothing inside single quotes is expanded, so $(...), backticks, ; and globs stay text.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Text for a comment line: control characters (a newline above all, which would end the comment
    /// and start a command) and invisible formatting characters are written escaped, as \n or \u202e.</summary>
    public static string Comment(string text) => Quoted.Escape(text, int.MaxValue);

    /// <summary>Why <paramref name="id"/> (a VM or host id) cannot go into a script, or null when it can.
    /// An id that starts with '-' would be read as an option by virsh (whose older versions know no "--") and by
    /// the openstack CLI; control characters would end lines and reach the terminal raw; invisible formatting
    /// characters (bidirectional overrides, zero-width characters) make a script read differently from what it
    /// runs. Anything else is passed quoted, as one argument.</summary>
    public static string? IdProblem(string id)
    {
        if (id.Length == 0) return "an id must not be empty";
        if (id[0] == '-') return "an id that starts with '-' would be read as an option by virsh and the openstack CLI; rename it";
        return Ids.Problem(id);
    }

    /// <summary>Why virsh would not take <paramref name="vm"/> as a domain's name, or null. virsh looks a domain up by
    /// numeric ID first, then by UUID, then by name (libvirt tools/virsh-util.c, virshLookupDomainInternal: an argument
    /// that virStrToLong_i reads whole as a number >= 0 is an ID, leading spaces and '+' allowed), so `virsh migrate '7'`
    /// migrates whichever running domain has ID 7, not the one named 7: a plan of Bitbrains VMs (named 1, 2, ... after
    /// their trace files) exported to libvirt moved other guests. A UUID as the id is what virsh looks up by UUID, as
    /// meant.</summary>
    public static string? VirshDomainProblem(string vm) =>
        VirshNumber().IsMatch(vm)
            ? "virsh reads an id that is a whole number as a running domain's numeric ID, before any name, so the script would migrate whichever domain has that ID; give the VM its libvirt name or UUID"
            : null;

    [System.Text.RegularExpressions.GeneratedRegex("^ *\\+?[0-9]+$")]
    private static partial System.Text.RegularExpressions.Regex VirshNumber();

    /// <summary>Why Nova would refuse <paramref name="host"/> as the target of a live migration, or null. Nova's
    /// os-migrateLive body takes `host` as parameter_types.fqdn: 1-255 characters of letters, digits and - . _
    /// (nova/api/validation/parameter_types.py; checked against python3-nova 26.2.2 by lab/openstack/check.py). A
    /// host such as 'compute 04' was exported, and APPLY=1 stopped at its first migration with HTTP 400, the stages
    /// before it already done.</summary>
    public static string? NovaHostProblem(string host) =>
        host.Length <= 255 && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')
            ? null
            : "Nova takes a live migration's host as a host name (letters, digits and - . _, at most 255), so the script would stop at this migration; name the host as Nova's compute service does";

    /// <summary>Why <paramref name="host"/> cannot be the host of a qemu+ssh:// URI, or null. The URI is built
    /// from the id, so characters that end or restructure its host part (/, ?, #, whitespace, %) are refused.</summary>
    public static string? UriHostProblem(string host) =>
        host.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '@' or ':' or '[' or ']')
            ? null
            : "a libvirt host id goes into a qemu+ssh:// URI and must be a host name (letters, digits and - . _ @ : [ ])";

    /// <summary>The bash functions every script starts with: <c>step</c> and <c>step_bg</c> print a command in
    /// shell-quoted form (so the dry run shows exactly the arguments) and run it only with APPLY=1.</summary>
    public static void Preamble(StringBuilder s, string title, bool validated)
    {
        s.Append("#!/usr/bin/env bash\n");
        s.Append("# ").Append(Comment(title)).Append('\n');
        if (!validated) s.Append("# ").Append(ScriptExport.NotChecked).Append(".\n");
        s.Append("""
            # Written by `consolidator export`. DRY RUN by default: it prints every command and runs none.
            # Review it, then run it with APPLY=1 to migrate. A stage starts only when every migration of the
            # previous stage has succeeded; the first failure stops the script. Every value from the plan is
            # one single-quoted argument.
            set -euo pipefail
            APPLY=${APPLY:-0}
            pids=()

            # The command as the shell sees it, one argument per word (printf %q), then run only with APPLY=1.
            show() {
              printf '+'
              printf ' %q' "$@"
            }

            step() {
              show "$@"; printf '\n'
              if [ "$APPLY" = 1 ]; then "$@"; fi
            }

            step_bg() {
              show "$@"; printf ' &\n'
              if [ "$APPLY" = 1 ]; then "$@" & pids+=("$!"); fi
            }

            end_stage() {
              local failed=0
              for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid" || failed=1; done
              pids=()
              if [ "$failed" = 1 ]; then echo "error: a migration of this stage failed; stopping" >&2; exit 1; fi
            }


            """.Replace("\r\n", "\n"));
    }

    /// <summary>The comment and the echo that open a stage.</summary>
    internal static void StageHeader(StringBuilder s, ExportStage stage)
    {
        var moves = stage.Migrations.Count(m => !m.IsPlacement);
        s.Append(CultureInfo.InvariantCulture, $"# --- stage {stage.Number}: {moves} live migration(s) ---\n");
        s.Append(CultureInfo.InvariantCulture, $"echo \"stage {stage.Number}\"\n");
    }
}
