using System.Globalization;
using System.Text;
using Consolidator.Datasets;
using Consolidator.Inventory;
using Consolidator.Tests.Support;
using CsCheck;

namespace Consolidator.Tests.Datasets;

public class DatasetReaderTests
{
    private static readonly long T0 = DateTimeOffset.Parse("2026-01-05T00:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeSeconds();

    [Fact]
    public void Reads_the_tiny_dataset()
    {
        using var data = DatasetFixture.Create(name: "lab-a");
        var dataset = DatasetReader.Read(data.Directory);

        Assert.Equal("lab-a", dataset.Name);
        Assert.Equal<Host>([new Host("h1", 16, 65536, 100, 250), new Host("h2", 32, 131072, 120, 400)], dataset.Hosts);
        Assert.Equal<Vm>([new Vm("vm1", 2, 4096, "h1"), new Vm("vm2", 4, 8192, "h1"), new Vm("vm3", 8, 16384, "h2")], dataset.Vms);
        Assert.Equal(3, dataset.Usage.Length);
        Assert.Equal([T0, T0 + 900, T0 + 1800], dataset.Usage[1].UnixSeconds);
        Assert.Equal([1.5, 2, 0], dataset.Usage[1].CpuCores);
        Assert.Equal([4096, 4200, 4000], dataset.Usage[1].MemoryMib);
    }

    [Fact]
    public void Fast_timestamp_path_agrees_with_the_general_parser_and_declines_what_it_does_not_know()
    {
        Gen.Long[0, 4_102_444_799L].Sample(t =>
        {
            var text = DateTimeOffset.FromUnixTimeSeconds(t).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            Assert.True(DatasetFile.TryParseUtcSeconds(text, out var seconds));
            Assert.Equal(t, seconds);
            Assert.True(DatasetFile.TryParseUtcSeconds(System.Text.Encoding.ASCII.GetBytes(text), out var fromBytes));
            Assert.Equal(t, fromBytes);
        });
        foreach (var other in new[] { "2026-02-30T00:00:00Z", "2026-01-05T24:00:00Z", "2026-01-05T00:00:00+02:00", "2026-01-05 00:00:00Z", "2026-01-05T00:00:0xZ" })
        {
            Assert.False(DatasetFile.TryParseUtcSeconds(other, out _));
            Assert.False(DatasetFile.TryParseUtcSeconds(System.Text.Encoding.UTF8.GetBytes(other), out _));
        }
        Assert.True(DatasetFile.TryParseUtcSeconds("2026-01-05T00:15:00Z"u8, out var bytes));
        Assert.Equal(1767572100, bytes);
    }

    [Fact]
    public void Fast_decimal_path_gives_the_double_nearest_to_the_text_and_declines_what_it_does_not_know()
    {
        // Random plain decimals: up to 19 digits in all (past the fast path's 2^53, which must decline), the point anywhere.
        Gen.Select(Gen.ULong, Gen.Int[1, 19], Gen.Int[0, 24]).Sample((bits, length, point) =>
        {
            var digits = (bits % 10_000_000_000_000_000_000UL).ToString(CultureInfo.InvariantCulture).PadLeft(length, '0')[..length];
            var text = point == 0 || point >= digits.Length ? digits : digits[..^point] + "." + digits[^point..];
            var expected = double.Parse(text, CultureInfo.InvariantCulture);
            if (DecimalText.TryParse(System.Text.Encoding.ASCII.GetBytes(text), out var value))
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
            else
                Assert.True(ulong.Parse(digits, CultureInfo.InvariantCulture) > 1UL << 53, text);
        });
        // Values a float round trip would move (issue 17): the nearest double, bit for bit.
        foreach (var text in new[] { "6.922", "0.1", "0.3", "9007199254740992", "0.1234567890123456", "1.000000000000002", "123456.789012" })
        {
            Assert.True(DecimalText.TryParse(System.Text.Encoding.ASCII.GetBytes(text), out var value), text);
            Assert.Equal(BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)), BitConverter.DoubleToInt64Bits(value));
        }
        foreach (var other in new[] { "", ".5", "5.", "-1", "+1", "1e3", "1E-05", " 1", "1 ", "1.2.3", "9007199254740993", "1.0000000000000002", "0.00000000000000000000001", "NaN", "Infinity", "١" })
            Assert.False(DecimalText.TryParse(System.Text.Encoding.UTF8.GetBytes(other), out _), other);
    }

    [Fact]
    public void Name_is_the_folder_name_even_with_a_trailing_separator()
    {
        using var data = DatasetFixture.Create(name: "lab-b");
        Assert.Equal("lab-b", DatasetReader.Read(data.Directory + Path.DirectorySeparatorChar).Name);
    }

    [Fact]
    public void Accepts_bom_crlf_free_header_order_case_spaces_extra_columns_and_unplaced_vms()
    {
        var hosts = Crlf("\uFEFF MAX_WATTS ,rack,Host_Id,idle_watts,memory_mib,cpu_cores", " 250 ,r1, h1 ,100,65536,16");
        var vms = Crlf("\uFEFFcurrent_host,memory_mib,owner,vcpus,vm_id", "h1,4096,ann,2,vm1", ",8192,bob,4,vm2", "  ,1e3,,0.5,vm3");
        var usage = Crlf("\uFEFFmemory_mib,cpu_cores,vm_id,timestamp,source",
            "2048,0.5,vm1,2026-01-05T00:00:00Z,a", "4096,1,vm2,2026-01-05T00:00:00Z,a", "512,0.25,vm3,2026-01-05T00:00:00Z,a");
        using var data = DatasetFixture.Create(hosts, vms, usage);

        var dataset = DatasetReader.Read(data.Directory);

        Assert.Equal<Host>([new Host("h1", 16, 65536, 100, 250)], dataset.Hosts);
        Assert.Equal<Vm>([new Vm("vm1", 2, 4096, "h1"), new Vm("vm2", 4, 8192, null), new Vm("vm3", 0.5, 1000, null)], dataset.Vms);
        Assert.Equal([512], dataset.Usage[2].MemoryMib);
    }

    [Fact]
    public void Sorts_each_series_by_time_and_reads_a_sample_repeated_exactly_once()
    {
        var usage = """
            timestamp,vm_id,cpu_cores,memory_mib
            2026-01-05T00:30:00Z,vm1,3,30
            2026-01-05T00:15:00Z,vm2,9,90
            2026-01-05T00:00:00Z,vm1,1,10
            2026-01-05T00:30:00Z,vm1,3,30
            2026-01-05T00:15:00Z,vm1,2,20
            2026-01-05T00:00:00Z,vm3,7,70

            """;
        using var data = DatasetFixture.Create(usage: usage);
        var series = DatasetReader.Read(data.Directory).Usage[0];

        Assert.Equal([T0, T0 + 900, T0 + 1800], series.UnixSeconds);
        Assert.Equal([1, 2, 3], series.CpuCores);
        Assert.Equal([10, 20, 30], series.MemoryMib);
    }

    [Theory]
    [InlineData("2026-01-05T02:00:00+02:00")]
    [InlineData("2026-01-04T19:00:00-05:00")]
    [InlineData("2026-01-05T02:00:00+0200")]
    [InlineData("2026-01-05T00:00:00")]
    [InlineData("2026-01-05 00:00:00Z")]
    [InlineData("2026-01-05T00:00:00.000Z")]
    [InlineData("2026-01-05T00:00Z")]
    public void Timestamps_are_converted_to_utc(string timestamp)
    {
        var usage = $"timestamp,vm_id,cpu_cores,memory_mib\n{timestamp},vm1,1,1\n{timestamp},vm2,1,1\n{timestamp},vm3,1,1\n";
        using var data = DatasetFixture.Create(usage: usage);
        Assert.Equal([T0], DatasetReader.Read(data.Directory).Usage[0].UnixSeconds);
    }

    [Fact]
    public void Accepts_a_trailing_comma()
    {
        using var data = DatasetFixture.Create(hosts: "host_id,cpu_cores,memory_mib,idle_watts,max_watts\nh1,16,65536,100,250,\nh2,8,1024,0,0\n");
        Assert.Equal(2, DatasetReader.Read(data.Directory).Hosts.Length);
    }

    [Fact]
    public void Reads_200k_usage_rows()
    {
        const int vmCount = 1000, samples = 200;
        var vms = new StringBuilder("vm_id,vcpus,memory_mib,current_host\n");
        for (var v = 0; v < vmCount; v++) vms.Append($"vm{v},2,4096,{(v % 3 == 0 ? "" : "h1")}\n");
        using var data = DatasetFixture.Create(vms: vms.ToString());
        using (var usage = new StreamWriter(data.PathOf("usage.csv")))
        {
            usage.Write("timestamp,vm_id,cpu_cores,memory_mib\n");
            // Newest first, so that every series has to be sorted.
            for (var s = samples - 1; s >= 0; s--)
            {
                var time = DateTimeOffset.FromUnixTimeSeconds(T0 + 300L * s).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                for (var v = 0; v < vmCount; v++) usage.Write($"{time},vm{v},{s % 7 * 0.5},{s}\n");
            }
        }

        var dataset = DatasetReader.Read(data.Directory);

        Assert.Equal(vmCount, dataset.Vms.Length);
        Assert.Equal(vmCount * samples, dataset.Usage.Sum(u => u.Count));
        Assert.All(dataset.Usage, u =>
        {
            Assert.Equal(samples, u.Count);
            Assert.Equal(T0, u.UnixSeconds[0]);
            Assert.Equal(T0 + 300L * (samples - 1), u.UnixSeconds[^1]);
            Assert.Equal(samples - 1, u.MemoryMib[^1]);
        });
    }

    private static string Crlf(params string[] lines) => string.Join("\r\n", lines) + "\r\n";
}
