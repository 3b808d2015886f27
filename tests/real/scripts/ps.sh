#!/bin/sh
# ps and free: the numbers differ from one run to the next, natively too;
# what must hold is the structure: the header lines, and the shell's own
# process and ps's own among the processes, with their parent links.
ps >/tmp/ps.out; echo "ps: $?"
head -1 /tmp/ps.out | tr -s ' '
# this shell, by pid; the command line of a script run by bin/sh
awk -v me=$$ '$1 == me { $1 = ""; print "self:" $0 }' /tmp/ps.out | tr -s ' '
ps -o pid,ppid,comm,args >/tmp/ps.out
head -1 /tmp/ps.out | tr -s ' '
awk -v me=$$ '$1 == me { print "self comm", $3 } $2 == me && $4 ~ /ps/ { print "child", $3, $4, $5, $6 }' /tmp/ps.out
rm /tmp/ps.out
free >/tmp/free.out; echo "free: $?"
head -1 /tmp/free.out | tr -s ' '
awk 'NR > 1 { print $1, NF } $1 == "Mem:" { print "total > 0:", $2 > 0 }' /tmp/free.out
rm /tmp/free.out
kill -0 $$ && echo "kill -0 self"
kill -0 99999999 2>/dev/null; echo "kill -0 none: $?"
