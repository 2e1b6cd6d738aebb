namespace Consolidator.Importers.Prometheus;

/// <summary>What to ask Prometheus for. The defaults are the metric names of the libvirt exporter that most
/// deployments run (kumina/libvirt_exporter and its forks, which keep its names: per-domain
/// <c>libvirt_domain_info_*</c> with the label <c>domain</c>). Each may be a metric name with a label selector,
/// e.g. <c>libvirt_domain_info_cpu_time_seconds_total{job="libvirt"}</c>, to keep one series per VM.</summary>
/// <param name="CpuSeconds">A counter of CPU seconds each VM used; its increase over a step, divided by the
/// step, is the cores used in that step.</param>
/// <param name="MemoryBytes">A gauge of the memory each VM uses, in bytes.</param>
/// <param name="Vcpus">A gauge of each VM's vCPUs, for VMs whose inventory gives none (OpenStack's server list
/// does not).</param>
/// <param name="MaxMemoryBytes">A gauge of each VM's allocated memory, likewise.</param>
/// <param name="VmLabel">The label whose value is the VM's id in the inventory (libvirt's domain name by
/// default; with an OpenStack inventory, the label that carries the instance UUID).</param>
public sealed record PrometheusMetrics(
    string CpuSeconds = PrometheusMetrics.DefaultCpuSeconds,
    string MemoryBytes = PrometheusMetrics.DefaultMemoryBytes,
    string Vcpus = PrometheusMetrics.DefaultVcpus,
    string MaxMemoryBytes = PrometheusMetrics.DefaultMaxMemoryBytes,
    string VmLabel = PrometheusMetrics.DefaultVmLabel)
{
    public const string DefaultCpuSeconds = "libvirt_domain_info_cpu_time_seconds_total";
    public const string DefaultMemoryBytes = "libvirt_domain_info_memory_usage_bytes";
    public const string DefaultVcpus = "libvirt_domain_info_virtual_cpus";
    public const string DefaultMaxMemoryBytes = "libvirt_domain_info_maximum_memory_bytes";
    public const string DefaultVmLabel = "domain";
}
