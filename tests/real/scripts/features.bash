#!/bin/bash
# bash-static: what bash has beyond a POSIX shell, plus the same kinds of
# pipelines, redirections, jobs and traps as shell.sh.
# usage: bash features.bash [SECTION...]  (all of them by default, in order)
W=/tmp/bash
rm -rf "$W"; mkdir -p "$W"; cd "$W" || exit 1

# arrays
sec_arrays() {
	a=(zero one two "three four")
	echo "${#a[@]} ${a[3]} ${a[@]:1:2} ${!a[*]}"
	a+=(five); a[10]=ten; echo "${#a[@]} ${a[-1]}"
	unset 'a[1]'; echo "${a[*]}"
	declare -A m=([x]=1 [y]=2); m[z]=3
	for k in $(printf '%s\n' "${!m[@]}" | sort); do echo "$k=${m[$k]}"; done
	read -ra parts <<<"alpha beta gamma"; echo "${parts[1]} ${#parts[@]}"
	mapfile -t lines </data/text; echo "${#lines[@]}: ${lines[0]}"
	IFS=, read -r -a row <<<"1,2,3"; echo "$(( row[0] + row[1] + row[2] ))"
	declare -p a | sed 's/declare -a //'
}

# strings and arithmetic
sec_strings() {
	v="Hello World"
	echo "${v^^} ${v,,} ${v~} ${v// /_} ${v:6} ${v: -5:3} ${#v}"
	printf -v fmt '%05d|%-6s|%x' 42 ab 255; echo "$fmt"
	(( x = 7 * 6, y = x / 4, z = x % 5 )); echo "$x $y $z $(( 2 ** 16 )) $(( 0x1f + 010 ))"
	let 'q = 1 << 4'; echo $q
	echo {1..5} {a..e..2} {01..03} pre{x,y}post
	shopt -s extglob; f=aaa.tar.gz; echo "${f%%+(.tar|.gz)}"; shopt -u extglob
	[[ "monitor" == mon* ]] && echo glob-match
	[[ "abc123" =~ ^([a-z]+)([0-9]+)$ ]] && echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
	[[ -f /data/text && ! -d /data/text ]] && echo "[[ files ]]"
	declare -i n=5; n+=3; echo $n
	declare -u up=lower; echo $up
	nameref_target=old; f() { local -n ref=$1; ref=new; }; f nameref_target; echo $nameref_target
}

# pipelines and status
sec_pipe() {
	set -o pipefail
	false | true; echo "pipefail: $?"
	set +o pipefail
	true | false | true; echo "PIPESTATUS ${PIPESTATUS[*]}"
	seq 20000 | sort -rn | uniq | head -1
	sort /data/text | uniq -c | sort -rn | head -2
	cat /data/table.csv | cut -d, -f2 | sort | uniq -c | sort -k1,1nr -k2 | head -3
	shopt -s lastpipe; echo piped | read -r lp; echo "lastpipe: $lp"; shopt -u lastpipe
}

# redirections
sec_redir() {
	echo a >f; echo b >>f; cat f
	{ echo out; echo err >&2; } &>both; sort both
	echo x 2>&1 >/dev/null | cat
	exec {fd}>fdfile; echo "to named fd" >&"$fd"; exec {fd}>&-; cat fdfile
	cat <<<"here string"
	cat <<EOF
heredoc $((2 + 2)) $(echo sub)
EOF
	diff <(seq 5) <(seq 6); echo "process substitution diff: $?"
	while read -r l; do echo "got $l"; done < <(printf 'p\nq\n')
	tee >(wc -l >tee.count) <<<"to tee" >/dev/null; wait $!; cat tee.count
}

# functions, traps, subshells
sec_func() {
	fact() { (( $1 <= 1 )) && echo 1 && return; echo $(( $1 * $(fact $(( $1 - 1 ))) )); }
	fact 10
	r() { return 42; }; r; echo "returned $?"
	trap 'echo ERR trapped at $LINENO' ERR; false; trap - ERR
	g() { trap 'echo RETURN trap' RETURN; echo in g; }; g; trap - RETURN
	trap 'echo got USR2' USR2; kill -USR2 $$; trap - USR2
	(trap 'echo subshell EXIT' EXIT; exit 3); echo "subshell: $?"
	v=1; (v=2; echo "inner $v"); echo "outer $v"
	bash -c 'kill -TERM $$'; echo "bash -c TERM: $?"
	( ulimit -n 64; echo "fd limit $(ulimit -n)" )
}

# jobs and wait
sec_jobs() {
	sleep 0 & sleep 0 & wait; echo "all waited"
	# in a new bash: the process substitutions above are this shell's (and its
	# subshells') to wait for too
	bash -c 'for i in 3 1 2; do ( exit $i ) & done; wait -n; echo "wait -n status in 1-3: $(( $? >= 1 && $? <= 3 ))"; wait'
	(exit 9) & wait $!; echo "wait pid: $?"
	coproc CP { read -r l; echo "coproc got $l"; }
	echo ping >&"${CP[1]}"; read -r ans <&"${CP[0]}"; echo "$ans"; wait $CP_PID 2>/dev/null
	jobs_out=$( sleep 0 & jobs | wc -l ); echo "jobs lines: $jobs_out"
}

# globbing and cd
sec_glob() {
	touch a.c b.c c.h .dot; mkdir -p d/e; touch d/e/f.c
	echo *.c; echo *; shopt -s dotglob; echo *; shopt -u dotglob
	shopt -s globstar; echo **/*.c; shopt -u globstar
	shopt -s nullglob; echo "none:" *.zz; shopt -u nullglob
	echo *.zz
	cd d/e && pwd && cd - >/dev/null && pwd
	pushd /data >/dev/null; pwd; popd >/dev/null; pwd
	echo "BASH_VERSINFO ${BASH_VERSINFO[0]}"
	exit 0
}

[ $# -gt 0 ] || set -- arrays strings pipe redir func jobs glob
for sec; do
	echo "== $sec"
	"sec_$sec"
done
exit 0
