using System.Text;

namespace Consolidator.Export;

/// <summary>What both scripts share: a dry run by default (every command is printed, none is run) until the
/// operator, having reviewed it, sets APPLY=1; helpers that run a step now or in the background; and a
/// stage barrier that waits for the stage's background steps and stops at the first failure.</summary>
internal static class ScriptPreamble
{
    public static void Write(StringBuilder s, ExportPlan plan, string planName, string manager)
    {
        s.Append($$"""
            #!/usr/bin/env bash
            # Consolidation plan {{planName}} for {{manager}}: {{plan.MigrationCount}} live migration(s) in {{plan.Stages.Length}} stage(s).
            # Written by `consolidator export`. DRY RUN by default: it prints every command and runs none.
            # Review it, then run it with APPLY=1 to migrate. A stage starts only when every migration of the
            # previous stage has succeeded; the first failure stops the script.
            set -euo pipefail
            APPLY=${APPLY:-0}
            pids=()

            step() {
              echo "+ $*"
              if [ "$APPLY" = 1 ]; then "$@"; fi
            }

            step_bg() {
              echo "+ $* &"
              if [ "$APPLY" = 1 ]; then "$@" & pids+=("$!"); fi
            }

            end_stage() {
              local failed=0
              for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
              pids=()
              if [ "$failed" = 1 ]; then echo "error: a migration of this stage failed; stopping" >&2; exit 1; fi
            }


            """.Replace("\r\n", "\n"));
    }

    public static void StageHeader(StringBuilder s, ExportStage stage)
    {
        var moves = stage.Migrations.Count(m => !m.IsPlacement);
        s.Append($"# --- stage {stage.Number}: {moves} live migration(s) ---\n");
        s.Append($"echo \"stage {stage.Number}\"\n");
    }
}
