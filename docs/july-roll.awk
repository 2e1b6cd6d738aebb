# Per fold: the test day and, for the two-level adaptive policy (with the mode it chose for the day, from its note)
# and LR-MMT, hosts, kWh/day, SLATAH, throttled interactive CPU and migrations (from evaluate's text output; the
# policy name is the first 19 characters).
BEGIN { printf "%-4s %-16s | %-41s | %s\n%21s | %-5s %5s %7s %7s %7s %5s | %5s %7s %7s %6s\n", "fold", "test day from", "two-level adaptive", "LR-MMT 1.2", "", "mode", "hosts", "kWh/day", "SLATAH", "thr-int", "migr", "hosts", "kWh/day", "SLATAH", "migr" }
/^train:/ { fold++; split($4, p, /\.\./); test = substr(p[1], 1, 16) }
/^all [0-9]+ folds/ { exit }
/^note: two-level adaptive: / {
  mode = index($0, "adaptive: day-ahead plan") > 0 ? "plan" : "react"
  printf "%4d %-16s | %-5s %s | %s\n", fold, test, mode, ours, lr
  next
}
{
  name = substr($0, 1, 19); sub(/ +$/, "", name)
  if (name != "two-level adaptive" && name != "LR-MMT 1.2") next
  n = split(substr($0, 20), f, " ")
  # f: hosts kWh saved SLATAH mem-over PDM SLAV thr-int thr-batch migr downtime
  if (name == "LR-MMT 1.2") lr = sprintf("%5s %7s %7s %6s", f[1], f[2], f[4], f[10])
  else ours = sprintf("%5s %7s %7s %7s %5s", f[1], f[2], f[4], f[8], f[10])
}
