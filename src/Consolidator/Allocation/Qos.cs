using Consolidator.Inventory;
using Consolidator.Profiles;

namespace Consolidator.Allocation;

public static class Qos
{
    /// <summary>The VM's QoS class: as vms.csv gives it, else from when it is busy. A night-peaking VM is the
    /// nightly batch job of <see cref="VmClass"/>; a day-peaking one serves people; a flat one gives no sign
    /// either way and is treated as interactive, because throttling a service by mistake costs more than
    /// leaving a batch job unthrottled.</summary>
    public static QosClass Of(Vm vm, VmClass cls) => vm.Qos ?? (cls == VmClass.NightPeaking ? QosClass.Batch : QosClass.Interactive);
}
