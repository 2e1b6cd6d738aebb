using Consolidator.Tests.Support;
using Consolidator.Datasets;
using Consolidator.Generation;
using Consolidator.Profiles;
using Consolidator.Traces;

namespace Consolidator.Tests.Generation;

public class DatasetGeneratorTests
{
    private static readonly GeneratorOptions Small = new(Seed: 7, Vms: 40, Days: 2, SampleMinutes: 30);

    private static Dictionary<string, byte[]> WrittenBytes(Dataset dataset)
    {
        using var dir = new TempDirectory();
        DatasetWriter.Write(dataset, dir.Path);
        // The output set's manifest is not part of the dataset.
        return Directory.GetFiles(dir.Path).Where(f => !Path.GetFileName(f).StartsWith('.')).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
    }

    [Fact]
    public void Same_seed_gives_the_same_bytes_and_another_seed_does_not()
    {
        var first = WrittenBytes(DatasetGenerator.Generate(Small));
        var second = WrittenBytes(DatasetGenerator.Generate(Small));
        var other = WrittenBytes(DatasetGenerator.Generate(Small with { Seed = 8 }));

        Assert.Equal(3, first.Count);
        foreach (var (name, bytes) in first)
        {
            Assert.Equal(bytes, second[name]);
            if (name != DatasetWriter.HostsFile) Assert.NotEqual(bytes, other[name]);
        }
    }

    /// <summary>datasets/default is made by `generate --seed 42` with default options: regenerating it must
    /// give the committed bytes, so a change of runtime, platform or code that alters it is caught. If the
    /// generator is changed on purpose, regenerate the folder and say so in the commit.</summary>
    [Fact]
    public void Default_options_regenerate_the_bundled_default_dataset_byte_for_byte()
    {
        var files = WrittenBytes(DatasetGenerator.Generate(new GeneratorOptions()));
        var bundled = Path.Combine(RepoPaths.Root, "datasets", "default");
        foreach (var (name, bytes) in files)
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(bundled, name))), $"{name} differs from datasets/default/{name}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(-5)]
    public void Current_placement_fits_every_host_and_uses_all_of_them(int seed)
    {
        var d = DatasetGenerator.Generate(new GeneratorOptions(Seed: seed, Days: 1));
        Assert.Equal("generated", d.Name);
        Assert.InRange(d.Hosts.Length, 30, 36);
        Assert.Equal(d.Hosts.Length, d.Hosts.Select(h => h.Id).Distinct().Count());
        foreach (var host in d.Hosts)
        {
            var vms = d.Vms.Where(v => v.CurrentHost == host.Id).ToList();
            Assert.NotEmpty(vms);
            Assert.True(vms.Sum(v => v.Vcpus) <= host.CpuCores, $"{host.Id}: vCPUs over cores");
            Assert.True(vms.Sum(v => v.MemoryMib) <= host.MemoryMib, $"{host.Id}: memory over capacity");
        }
        Assert.All(d.Vms, v => Assert.True(d.HostIndex(v.CurrentHost!) >= 0));
        Assert.Equal(3, d.Hosts.Select(h => h.Id.Split('-')[1]).Distinct().Count());
    }

    [Fact]
    public void Vms_and_samples_have_the_documented_shape()
    {
        var d = DatasetGenerator.Generate(Small);
        Assert.Equal(40, d.Vms.Length);
        Assert.Equal("vm-001", d.Vms[0].Id);
        Assert.Equal("vm-040", d.Vms[^1].Id);
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        for (var i = 0; i < d.Vms.Length; i++)
        {
            var (vm, s) = (d.Vms[i], d.Usage[i]);
            Assert.Contains(vm.Vcpus, new double[] { 2, 4, 8, 16 });
            Assert.Contains(vm.MemoryMib, new double[] { 4096, 8192, 16384, 32768 });
            Assert.Equal(2 * 48, s.Count);
            for (var k = 0; k < s.Count; k++)
            {
                Assert.Equal(start + k * 1800L, s.UnixSeconds[k]);
                Assert.InRange(s.CpuCores[k], 0.01 * (double)vm.Vcpus - 1e-3, (double)vm.Vcpus);
                Assert.Equal(Math.Round(s.CpuCores[k], 3), s.CpuCores[k], 1e-6);
                Assert.InRange(s.MemoryMib[k], 1, (double)vm.MemoryMib);
                Assert.Equal(Math.Round(s.MemoryMib[k]), s.MemoryMib[k]);
            }
        }
    }

    [Fact]
    public void Class_mix_is_roughly_45_35_20_and_day_peaking_vms_are_busier_in_office_hours()
    {
        var d = DatasetGenerator.Generate(new GeneratorOptions(Seed: 3));
        var classes = d.Usage.Select(ProfileBuilder.Classify).ToList();
        double Share(VmClass c) => classes.Count(x => x == c) / (double)classes.Count;
        Assert.InRange(Share(VmClass.DayPeaking), 0.35, 0.55);
        Assert.InRange(Share(VmClass.NightPeaking), 0.25, 0.45);
        Assert.InRange(Share(VmClass.Flat), 0.10, 0.30);

        for (var i = 0; i < d.Vms.Length; i++)
        {
            var office = MeanCpu(d.Usage[i], h => h >= 8 && h < 18);
            var night = MeanCpu(d.Usage[i], h => h >= 22 || h < 5);
            if (classes[i] == VmClass.DayPeaking) Assert.True(office > 2 * night, $"{d.Vms[i].Id}: {office} vs {night}");
            if (classes[i] == VmClass.NightPeaking) Assert.True(night > 2 * office, $"{d.Vms[i].Id}: {night} vs {office}");
        }
    }

    [Fact]
    public void Weekends_are_quieter_for_day_peaking_vms_but_not_idle()
    {
        var d = DatasetGenerator.Generate(new GeneratorOptions(Seed: 9, Vms: 60));
        var day = d.Usage.Where(s => ProfileBuilder.Classify(s) == VmClass.DayPeaking).ToList();
        bool Office(long t) => (t % 86400) / 3600 is >= 10 and < 16;
        bool Weekend(long t) => (t - d.Usage[0].UnixSeconds[0]) / 86400 % 7 >= 5;
        var weekday = day.Average(s => Mean(s, t => Office(t) && !Weekend(t)));
        var weekend = day.Average(s => Mean(s, t => Office(t) && Weekend(t)));
        Assert.InRange(weekend / weekday, 0.6, 0.95);
    }

    [Fact]
    public void Rejects_nonsense_options()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetGenerator.Generate(new GeneratorOptions(Vms: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetGenerator.Generate(new GeneratorOptions(Days: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetGenerator.Generate(new GeneratorOptions(SampleMinutes: 0)));
    }

    private static double MeanCpu(VmSeries s, Func<long, bool> hourIn) => Mean(s, t => hourIn(t % 86400 / 3600));

    private static double Mean(VmSeries s, Func<long, bool> take)
    {
        var xs = Enumerable.Range(0, s.Count).Where(k => take(s.UnixSeconds[k])).Select(k => (double)s.CpuCores[k]).ToList();
        return xs.Average();
    }
}
