using System.CommandLine;
using Consolidator.Profiles;

namespace Consolidator.Cli.Commands;

/// <summary>The options that shape profiles, shared by plan and evaluate: --windows, --percentile, --half-life,
/// --margin, --sizing and --multiplex-vms.</summary>
internal sealed class ProfileOptionsBinder
{
    private readonly Option<string> _windows = new("--windows")
    {
        Description = "Time windows: auto (weekly when the history holds a week and shows a weekly pattern, else hourly), hourly, day-night, weekly (7 x 24), weekday-weekend (2 x 24) or N equal slices of the day",
        DefaultValueFactory = _ => WindowChoice.AutoName,
    };
    private readonly Option<double> _percentile = new("--percentile") { Description = "Percentile of each window's samples that sizes a VM (100 = peak)", DefaultValueFactory = _ => 95 };
    private readonly Option<string> _halfLife = new("--half-life")
    {
        Description = "Age at which a sample weighs half as much as a fresh one (e.g. 24h, 7d), as the Kubernetes VPA's decaying histogram; none = all samples weigh the same",
        DefaultValueFactory = _ => "none",
    };
    private readonly Option<double> _margin = new("--margin") { Description = "Safety margin: each window's percentile is multiplied by 1 + margin (VPA: 0.15)", DefaultValueFactory = _ => 0 };

    private readonly Option<string> _sizing = new("--sizing")
    {
        Description = "CPU sizing per window: percentile (each VM's own percentile, summed per host) or multiplexed (mean + a share of the burst, counting on VMs not bursting together: Meng et al., ICAC 2010)",
        DefaultValueFactory = _ => "percentile",
    };
    private readonly Option<double> _multiplexVms = new("--multiplex-vms")
    {
        Description = "With --sizing multiplexed: the VMs (of the fleet's mean variance) a host is assumed to hold at least",
        DefaultValueFactory = _ => ProfileOptions.DefaultMultiplexVms,
    };

    public void AddTo(Command cmd)
    {
        cmd.Options.Add(_windows);
        cmd.Options.Add(_percentile);
        cmd.Options.Add(_halfLife);
        cmd.Options.Add(_margin);
        cmd.Options.Add(_sizing);
        cmd.Options.Add(_multiplexVms);
    }

    public WindowChoice Windows(ParseResult r) => WindowChoice.Parse(r.GetValue(_windows)!);

    public ProfileOptions Read(ParseResult r)
    {
        // Read only by the multiplexed sizing: with the default it was ignored without a word.
        if (r.GetResult(_multiplexVms) is { Implicit: false } && SizingNames.Parse(r.GetValue(_sizing)!) != DemandSizing.Multiplexed)
            throw new FormatException("--multiplex-vms applies to --sizing multiplexed: give --sizing multiplexed with it");
        var options = new ProfileOptions(r.GetValue(_percentile), ProfileOptions.ParseHalfLife(r.GetValue(_halfLife)!), r.GetValue(_margin),
            SizingNames.Parse(r.GetValue(_sizing)!), r.GetValue(_multiplexVms));
        options.Validate();
        return options;
    }
}
