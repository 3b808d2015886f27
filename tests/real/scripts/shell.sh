#!/bin/sh
# The shell itself (busybox ash): pipelines, redirections, substitutions,
# here-documents, jobs, traps, subshells, cd, globbing, read loops.
# usage: sh shell.sh [SECTION...]  (all of them by default, in order)
W=/tmp/shell
rm -rf "$W"; mkdir -p "$W"; cd "$W" || exit 1

# pipelines
sec_pipe() {
	cat /data/text | grep the | sort | uniq | wc -l
	seq 1000 | sort -rn | head -2 | tr '\n' ' '; echo
	false | true; echo "status of false|true: $?"
	true | false; echo "status of true|false: $?"
	! false; echo "negated: $?"
	seq 100000 | tail -1
	yes line | head -n 50000 | wc -l
	seq 3 | while read -r n; do echo "in loop $n"; done
	echo abc | { read -r x; echo "read $x"; }
}

# redirections
sec_redir() {
	echo one >out; echo two >>out; cat out
	echo err >&2 2>/dev/null
	{ echo to-stdout; echo to-stderr >&2; } 2>err >std; cat std err
	ls /nonexistent 2>/dev/null; echo "ls status $?"
	exec 3>fd3; echo via-fd3 >&3; exec 3>&-; cat fd3
	exec 4<out; read -r l <&4; echo "fd4: $l"; exec 4<&-
	cat <out >copy; cmp out copy && echo copied
	: >empty; wc -c <empty
	echo both >both 2>&1; cat both
	set -C; echo x >out 2>/dev/null; echo "noclobber: $?"; set +C
	echo x >|out; cat out
	cat <<EOF >heredoc
home=$HOME
$(echo substituted)
EOF
	cat heredoc
	cat <<'EOF'
literal $HOME $(echo no)
EOF
	cat <<-EOF
	tab-stripped
	EOF
	tr a-z A-Z <<EOF | rev
piped here-doc
EOF
}

# substitution and expansion
sec_subst() {
	x=$(echo inner $(echo nested)); echo "$x"
	y=`echo backquoted`; echo "$y"
	n=$(seq 5 | wc -l); echo "n=$n"
	echo "$((3 + 4 * 5)) $((17 % 5)) $((1 << 10)) $(( (2 + 3) * 4 ))"
	i=0; while [ $i -lt 5 ]; do i=$((i + 1)); done; echo "i=$i"
	v=hello.world.txt; echo "${v%.*} ${v%%.*} ${v#*.} ${v##*.} ${#v}"
	unset u; echo "${u:-default} ${u:=assigned} $u"
	echo "${v:6:5}" "${v/world/there}"
	set -- a "b c" d; echo "$#: $1|$2|$3"; for a in "$@"; do echo "[$a]"; done
	for a in $*; do printf '<%s>' "$a"; done; echo
	shift; echo "after shift: $*"
	IFS=: read -r f1 f2 f3 <<EOF
p:q:r
EOF
	echo "$f3 $f2 $f1"
}

# control flow and functions
sec_control() {
	f() { local l=$1; echo "f got $l"; return 3; }
	f arg; echo "f returned $?"
	g() { echo "g: $# args"; }; g 1 2 3
	for w in one two three; do case $w in t*) echo "t-word $w" ;; *) echo "other $w" ;; esac; done
	n=0; until [ $n -ge 3 ]; do n=$((n + 1)); [ $n -eq 2 ] && continue; echo "until $n"; done
	for i in 1 2 3 4; do [ $i = 3 ] && break; echo "for $i"; done
	if grep -q fox /data/text; then echo found; elif true; then echo no; else echo never; fi
	[ -n "$HOME" ] && echo "home set" || echo "home unset"
}

# subshells
sec_subshell() {
	v=outer; (v=inner; echo "sub $v"); echo "after $v"
	(cd /data && pwd); pwd
	(exit 5); echo "subshell exit $?"
	r=$(cd /data/tree && ls | wc -l); echo "r=$r"; pwd
	{ echo grouped; echo lines; } | wc -l
	echo "$( (echo deep) )"
}

# background jobs and wait
sec_jobs() {
	sleep 0 & wait $!; echo "waited: $?"
	(exit 7) & p=$!; wait $p; echo "bg exit $?"
	for i in 1 2 3; do (echo "job $i" >"job$i") & done; wait; cat job1 job2 job3
	seq 1 3 | (while read -r n; do echo "worker $n"; done) & wait
	sh -c 'exit 9' & wait $!; echo "sh -c bg: $?"
	( trap 'exit 4' TERM; : >ready; while :; do sleep 1; done ) & p=$!
	until [ -e ready ]; do sleep 0; done; kill $p; wait $p; echo "killed job: $?"
}

# traps
sec_trap() {
	trap 'echo caught USR1' USR1
	kill -USR1 $$; echo "after USR1"
	trap - USR1
	sh -c 'trap "echo child got TERM; exit 3" TERM; kill -TERM $$; echo not reached'; echo "child status $?"
	sh -c 'trap "echo exit trap" EXIT; echo body'
	sh -c 'kill -KILL $$'; echo "killed by KILL: $?"
	sh -c 'trap "" INT; kill -INT $$; echo ignored INT'
	(trap 'echo sub exit trap' EXIT; echo in sub)
}

# globbing and cd
sec_cd() {
	mkdir -p g/sub && touch g/a.txt g/b.txt g/c.log g/sub/d.txt
	cd g && echo *.txt && echo * && echo */*.txt && cd ..
	echo g/[ab].txt g/?.log
	set -f; echo g/*; set +f
	for f in g/*.txt; do echo "file $f"; done
	cd /; cd "$W"/g/sub; pwd; cd ../..; pwd; cd /nonexistent 2>/dev/null; echo "cd fails: $?"
	HOME=/data; cd; pwd; cd "$W"
}

# read loops
sec_read() {
	while IFS=, read -r id word num; do
		[ "$word" = alpha ] && [ "$num" -lt 10 ] && echo "alpha $id $num"
	done </data/table.csv
	count=0; while read -r line; do count=$((count + 1)); done </data/text; echo "lines $count"
	sort -n /data/numbers | uniq -c | sort -rn | head -3 | while read -r c v; do echo "value $v x$c"; done
}

# exec and exit status
sec_exit() {
	sh -c 'exec echo exec-replaced'
	sh -c 'exit 200'; echo "exit 200: $?"
	/bin/nonexistent 2>/dev/null; echo "not found: $?"
	sh -c 'set -e; false; echo not reached'; echo "set -e: $?"
	command -v sed; type cd | head -1
	eval 'echo evaluated $((6 * 7))'
	timeout 5 true; echo "timeout true: $?"
	timeout -s KILL 1 sleep 5; echo "timed out: $?"
	exit 3
}

[ $# -gt 0 ] || set -- pipe redir subst control subshell jobs trap cd read exit
for sec; do
	echo "== $sec"
	"sec_$sec"
done
exit 0
