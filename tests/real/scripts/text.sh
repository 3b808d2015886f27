#!/bin/sh
# busybox text applets over /data: each prints a small, deterministic result.
# usage: sh text.sh [SECTION...]  (all of them by default, in order)
T=/data/text
N=/data/numbers

# echo printf
sec_echo() {
	echo plain; echo -n no-newline; echo; echo -e 'tab\there'
	printf '%s=%d %05.1f %x %o %c|%-4s|\n' key 42 3.14159 255 8 Z ab
	printf '%s\n' one two three
}

# cat tac rev nl
sec_cat() {
	cat -n "$T" | head -3
	tac "$T" | head -2
	head -3 "$T" | rev
	nl -ba -w3 "$T" | tail -2
}

# head tail wc
sec_head() {
	head -c 20 "$T"; echo
	tail -n 3 "$T"
	tail -c 12 "$T"
	wc "$T"; wc -l <"$T"; wc -w <"$N"; wc -c "$N"
}

# sort uniq
sec_sort() {
	sort "$T" | head -3
	sort -f "$T" | uniq -ic | sort -rn | head -3
	sort -n "$N" | uniq -c | sort -k1,1nr -k2,2n | head -5
	sort -t, -k3,3n -k1,1n /data/table.csv | tail -3
	sort -u -t, -k2,2 /data/table.csv | cut -d, -f2
	sort -rn "$N" | head -1; sort -n "$N" | head -1
	uniq -d "$T" | wc -l
}

# tr cut paste fold expand
sec_tr() {
	echo 'Hello, World' | tr a-z A-Z
	echo 'Hello, World' | tr -d lo
	echo 'aaabbbccc' | tr -s abc
	tr -c 'a-zA-Z\n' _ <"$T" | head -2
	cut -d, -f2 /data/table.csv | sort | uniq -c
	cut -c1-10 "$T" | head -3
	seq 1 6 | paste - - -
	seq 1 4 | paste -s -d+
	paste -d: /data/table.csv /data/numbers | head -2
	head -1 "$T" | fold -w 10
	printf 'a\tb\tc\n' | expand -t 4 | od -c | head -2
	printf 'a       b\n' | unexpand -a | od -c | head -1
}

# grep
sec_grep() {
	grep -c the "$T"
	grep -i -n '^the' "$T"
	grep -v -e a -e e "$T"
	grep -o '[0-9][0-9]*' "$T" | sort -n | tr '\n' ' '; echo
	grep -w fox "$T" | wc -l
	egrep 'yaks|aardvarks' "$T"
	fgrep -x 'Sed edits the stream: substitute, delete, insert, append.' "$T"
	grep -q nonexistent "$T"; echo "grep -q miss: $?"
	grep -l monitor "$T" /data/numbers /data/table.csv
	grep -E '^[0-9]+,(alpha|zeta),4[0-9][0-9]$' /data/table.csv | wc -l
}

# sed
sec_sed() {
	sed -n '2,4p' "$T"
	sed 's/the/THE/g; s/\(a\)\(n\)/\2\1/' "$T" | head -3
	sed -e '/^A/d' -e '$a\
appended' "$T" | tail -2
	sed '1i\
inserted' "$T" | head -2
	sed -n '/fox/{=;p}' "$T"
	sed 's/[[:space:]]*$/|/' "$T" | tail -1
	echo 'a.b.c' | sed 's/\./-/2'
	seq 10 | sed -n 'h;n;G;p'
	sed -E 's/([0-9]+),([a-z]+),([0-9]+)/\2:\3:\1/' /data/table.csv | head -2
	seq 5 | sed '$!N;s/\n/+/'
	sed y/abc/xyz/ <<EOF
aabbcc
EOF
}

# awk
sec_awk() {
	awk -F, '{ s[$2] += $3; n[$2]++ } END { for (k in s) printf "%s %d %d %.2f\n", k, n[k], s[k], s[k] / n[k] }' /data/table.csv | sort
	awk '{ n += NF; c += length($0) } END { print NR, n, c }' "$T"
	awk 'NR % 1000 == 0 { print NR ": " $1 }' "$N"
	awk '{ for (i = 1; i <= NF; i++) w[tolower($i)]++ } END { for (k in w) if (w[k] > 3) print w[k], k }' "$T" | sort -k1,1nr -k2
	# (Debian's busybox awk has no math library: no ^, atan2, exp)
	awk 'BEGIN { printf "%d %s %5.3f %c\n", 2147483648, substr("monitor", 2, 3), 22 / 7, 65;
		x = "a:b:c"; n = split(x, p, ":"); print n, p[3]; print index("hello", "ll"), toupper("up");
		s = "aaa"; gsub(/a/, "bb", s); print s; print match("xxabc", /ab/), RSTART, RLENGTH;
		print sprintf("%08.3f", -3.5), int(-7 / 2), 7 % 3, length("four") }'
	awk -v lim=995 '$1 > lim' "$N" | sort -n | uniq | tr '\n' ' '; echo
	awk 'function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) } BEGIN { print fib(20) }'
	seq 1 100 | awk '{ s += $1 * $1 } END { print s }'
	printf 'b 2\na 1\nc 3\n' | awk '{ print $2, $1 | "sort -n" } END { close("sort -n"); print "closed" }'
	awk 'BEGIN { while (("echo one; echo two" | getline l) > 0) print "got", l }'
}

# seq expr test factor
sec_seq() {
	seq 3; seq 2 3 11 | tr '\n' ' '; echo; seq -s, 5 -1 1; seq -w 8 11 | tr '\n' ' '; echo
	expr 6 \* 7; expr 17 / 5; expr length monitor; expr substr monitor 2 3; expr 3 \< 10
	expr index monitor t; expr 'abc' : 'a\(.*\)'; expr 0 + 0; echo "expr 0: $?"
	test 3 -lt 5 && echo lt; [ abc = abc ] && echo eq; [ -z "" ] && echo empty
	[ -d /data ] && [ -f /data/text ] && [ ! -e /data/nope ] && echo files
	[[ abc = a* ]]; echo "[[: $?"
	factor 360 1001 65537
}

# checksums encodings
sec_sums() {
	md5sum "$T"; sha1sum "$T"; sha256sum "$T"; sha512sum "$N" | cut -c1-32
	crc32 "$T"
	md5sum "$T" >/tmp/sums; md5sum -c /tmp/sums
	head -2 "$T" | base64
	head -2 "$T" | base64 | base64 -d
	head -c 40 "$T" | od -A d -t x1 | head -3
	head -c 32 "$T" | hexdump -C
	head -c 16 "$T" | xxd
	printf 'abc\000\001binary\nxyz\n' | strings
}

# cmp diff
sec_cmp() {
	head -5 "$T" >/tmp/a; head -6 "$T" | sed '3s/library/LIBRARY/' >/tmp/b
	cmp /tmp/a /tmp/b; echo "cmp: $?"
	cmp -s /tmp/a /tmp/a; echo "cmp same: $?"
	diff /tmp/a /tmp/b; echo "diff: $?"
	diff -u /tmp/a /tmp/b | tail -n +3
	diff /tmp/a /tmp/a; echo "diff same: $?"
}

# misc
sec_misc() {
	yes | head -3; yes abc | head -2
	true; echo "true $?"; false; echo "false $?"
	env | sort
	id; id -u; id -gn; whoami
	uname -s
	sleep 0; usleep 1; echo slept
	date -d @0 -u; date -u -d @1234567890 '+%Y-%m-%d %H:%M:%S %a %j'
	basename /a/b/c.txt .txt; dirname /a/b/c.txt; basename /; dirname rel
	printf 'dos\r\nline\r\n' | dos2unix | od -c | head -1
	printf 'unix\n' | unix2dos | od -c | head -1
	which sh awk nonexistent; echo "which: $?"
	getopt -o ab:c -- -a -b x -c rest
}

[ $# -gt 0 ] || set -- echo cat head sort tr grep sed awk seq sums cmp misc
for sec; do
	echo "== $sec"
	"sec_$sec"
done
exit 0
