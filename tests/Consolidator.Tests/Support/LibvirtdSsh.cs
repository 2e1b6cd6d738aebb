using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Consolidator.Tests.Support;

/// <summary>The ssh transport of an exported libvirt script, for real: one sshd per plan host in front of that host's
/// private <see cref="Libvirtd"/>, and a client that reaches each host by the plan's name. A script's
/// `virsh -c qemu+ssh://HOST/system` runs the machine's ssh, which logs in to HOST's sshd with a key, where libvirt's
/// own remote helper (virt-ssh-helper qemu:///system) talks to the daemon's socket: nothing in the path is a stand-in.
/// Each sshd has its own host key, authorized_keys and config in a temp folder, listens on loopback on a free port,
/// and runs in a mount namespace of its own whose /run is a fresh tmpfs holding its privilege-separation folder and, as
/// /run/libvirt, its daemon's run folder (so qemu:///system there is that daemon), and whose /etc/shadow is root's line
/// alone (see Start). The client runs the script in a
/// mount namespace whose home folder (root's, from /etc/passwd: ssh reads the passwd entry, not $HOME) is a fresh
/// tmpfs holding .ssh/config (each host name to 127.0.0.1 and its port, the host key pinned by name), known_hosts and
/// the key. Neither the machine's /etc/ssh nor root's ~/.ssh is read or written.</summary>
internal sealed class LibvirtdSsh : IDisposable
{
    private const string Sshd = "/usr/sbin/sshd";
    private readonly TempDirectory _dir = new();
    private readonly List<(string Host, Process Process, ConcurrentQueue<string> Log)> _servers = [];

    private LibvirtdSsh() { }

    /// <summary>What is absent for a real ssh transport, or null.</summary>
    public static string? Missing
    {
        get
        {
            if (!File.Exists(Sshd) || Which("ssh") is null || Which("ssh-keygen") is null)
                return "no sshd or ssh (apt-get install openssh-server; .ci/run installs it)";
            // sshd refuses to start without its privilege-separation user, which openssh-server's install creates.
            if (!File.ReadAllText("/etc/passwd").Contains("\nsshd:", StringComparison.Ordinal))
                return "no sshd user (openssh-server's install creates it)";
            if (Home() is null) return "no home folder for root in /etc/passwd";
            return null;
        }
    }

    /// <summary>Starts an sshd for each plan host in front of its daemon; waits until each accepts connections.</summary>
    public static LibvirtdSsh Start(params (string Host, Libvirtd Daemon)[] hosts)
    {
        var ssh = new LibvirtdSsh();
        try
        {
            Keygen(ssh._dir.File("id"));
            var clientConfig = new System.Text.StringBuilder();
            var knownHosts = new System.Text.StringBuilder();
            foreach (var (host, daemon) in hosts)
            {
                var dir = ssh._dir.File("sshd-" + host);
                Directory.CreateDirectory(dir);
                Keygen(Path.Combine(dir, "host_key"));
                File.Copy(ssh._dir.File("id.pub"), Path.Combine(dir, "authorized_keys"));
                File.WriteAllText(Path.Combine(dir, "shadow"), "root:*:19000::::::\n");
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(dir, "shadow"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
                var port = FreePort();
                // UsePAM no: a container's PAM session modules (pam_loginuid) may fail, and a key is all this login
                // needs. Without PAM sshd refuses an account whose shadow password starts with "!" ("User root not
                // allowed because account is locked": this machine's root): the sshd's namespace sees a shadow file of
                // root's line alone, password "*" (no password login; a key only), no expiry; the machine's is not read.
                // StrictModes no: the folder is under /tmp, which is world-writable, and sshd's strict modes refuse
                // keys below such a folder.
                File.WriteAllText(Path.Combine(dir, "sshd_config"), string.Create(CultureInfo.InvariantCulture, $"""
                    ListenAddress 127.0.0.1:{port}
                    HostKey {dir}/host_key
                    PidFile {dir}/sshd.pid
                    AuthorizedKeysFile {dir}/authorized_keys
                    PermitRootLogin prohibit-password
                    PasswordAuthentication no
                    KbdInteractiveAuthentication no
                    UsePAM no
                    StrictModes no
                    PrintMotd no

                    """));
                var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { "-m", "--propagation", "private", "sh", "-c",
                             "mount -t tmpfs -o mode=755 tmpfs /run && mkdir -m 755 /run/sshd /run/libvirt && mount --bind \"$1\" /run/libvirt"
                             + " && mount --bind \"$3\" /etc/shadow && exec " + Sshd + " -D -e -f \"$2\"",
                             "sh", daemon.RunDirectory, Path.Combine(dir, "sshd_config"), Path.Combine(dir, "shadow") })
                    start.ArgumentList.Add(a);
                var log = new ConcurrentQueue<string>();
                var process = Daemon.Start(start, line => { if (log.Count < 200) log.Enqueue(line); });
                ssh._servers.Add((host, process, log));
                WaitForPort(port, process, log);
                clientConfig.Append(CultureInfo.InvariantCulture, $"Host {host}\n  HostName 127.0.0.1\n  Port {port}\n  HostKeyAlias {host}\n");
                knownHosts.Append(host).Append(' ').Append(File.ReadAllText(Path.Combine(dir, "host_key.pub")).Trim()).Append('\n');
            }
            clientConfig.Append("Host *\n  User root\n  IdentityFile ~/.ssh/id\n  IdentitiesOnly yes\n  StrictHostKeyChecking yes\n  BatchMode yes\n");
            File.WriteAllText(ssh._dir.File("config"), clientConfig.ToString());
            File.WriteAllText(ssh._dir.File("known_hosts"), knownHosts.ToString());
            return ssh;
        }
        catch
        {
            ssh.Dispose();
            throw;
        }
    }

    /// <summary>What the sshds logged (logins, refusals), for a failing assertion's message.</summary>
    public string Log() => string.Join('\n', _servers.SelectMany(s => s.Log.Select(l => s.Host + ": " + l)));

    /// <summary>Runs <paramref name="program"/> as the operator would, with this client's ~/.ssh (see the class).</summary>
    public (int Code, string Out, string Err) Run(string program, IEnumerable<string> args, IDictionary<string, string>? env = null) =>
        Libvirtd.Run("unshare", ["-m", "--propagation", "private", "sh", "-c",
            "mount -t tmpfs -o mode=700 tmpfs \"$2\" && mkdir -m 700 \"$2/.ssh\" && cp \"$1/config\" \"$1/known_hosts\" \"$1/id\" \"$2/.ssh/\" && shift 2 && exec \"$@\"",
            "sh", _dir.Path, Home()!, program, .. args], env);

    public void Dispose()
    {
        foreach (var (_, process, _) in _servers)
        {
            // unshare exec'd sh, which exec'd sshd -D: the process is the listener (its sessions have ended with the script).
            try { if (!process.HasExited) { process.Kill(); process.WaitForExit(10_000); } }
            catch (InvalidOperationException) { }
            process.Dispose();
        }
        try { _dir.Dispose(); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void Keygen(string path)
    {
        var (code, _, error) = Libvirtd.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "consolidator-tests", "-f", path]);
        if (code != 0) throw new InvalidOperationException("ssh-keygen failed: " + error);
    }

    /// <summary>Root's home folder as /etc/passwd names it: where ssh looks for ~/.ssh.</summary>
    private static string? Home() =>
        File.ReadAllLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 7 && f[0] == "root")?[5] is { Length: > 1 } home
            ? home : null;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Until the sshd accepts a connection. A generous bound, not a timing assertion: CI runs with both cores busy.</summary>
    private static void WaitForPort(int port, Process process, ConcurrentQueue<string> log)
    {
        var until = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (!process.HasExited && DateTime.UtcNow < until)
            {
                Thread.Sleep(100);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"the test's sshd did not start on port {port}: {string.Join('\n', log)}");
            }
        }
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
