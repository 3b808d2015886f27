#!/bin/sh
# busybox file applets in /tmp: create, copy, move, link, inspect, archive.
# usage: sh files.sh [SECTION...]  (all of them by default, in order)
W=/tmp/files
mkdir -p "$W" && cd "$W" || exit 1

# mkdir cd pwd touch ls
sec_mkdir() {
	mkdir -p "$W/x/y/z" && cd "$W" && pwd
	mkdir "$W/x" 2>/dev/null; echo "mkdir existing: $?"
	touch -d '2021-05-06 07:08:09' a b c
	ls; ls -1 x; ls -d x/*; ls -a | tr '\n' ' '; echo
	ls -l --full-time a | awk '{ print $1, $5, $6, $7, $9 }'
	ls -R x
	cd x/y && pwd && cd .. && pwd && cd - >/dev/null && pwd
	cd /; cd "$W"
}

# cp mv rm rmdir
sec_cp() {
	mkdir -p x/y/z
	echo content >f1
	cp f1 f2 && cat f2
	cp -R x xcopy && ls -R xcopy | wc -l
	cp -p /data/text text && cmp /data/text text && echo same
	mv f2 f3 && ls f2 f3 2>&1 | sort
	mv f3 x/ && ls x
	rm f1; ls f1 2>/dev/null; echo "rm'd: $?"
	rmdir x/y/z && ls x/y | wc -l
	rmdir x 2>/dev/null; echo "rmdir non-empty: $?"
	rm -r xcopy; rm -rf x; ls
}

# ln readlink realpath link
sec_ln() {
	echo target >t
	ln t hard && ln -s t soft && ln -s /data/text abs
	stat -c '%h %s %F' t soft
	readlink soft; readlink abs; readlink -f soft | sed "s|^$W|W|"
	realpath soft | sed "s|^$W|W|"
	cat hard soft; ls -l soft | awk '{ print $1, $9, $10, $11 }'
	ln -sf t2 soft; readlink soft; [ -e soft ] || echo dangling
	rm hard soft abs
}

# stat chmod truncate du
sec_stat() {
	printf '0123456789' >sz
	stat -c '%s %A' sz; chmod 640 sz; stat -c '%a %U %G' sz
	chmod u+x,g-r sz; stat -c '%A' sz
	truncate -s 100 sz; stat -c %s sz; truncate -s 3 sz; cat sz; echo
	du -s /data/tree | awk '{ print ($1 > 0) }'
	du -a /data/tree | awk '{ print $2 }' | sort
	stat -c '%Y %n' /data/tree/top.txt
}

# mkfifo mktemp dd
sec_dd() {
	mkfifo fifo && stat -c %F fifo && rm fifo
	tmp=$(mktemp) && [ -f "$tmp" ] && echo mktemp ok && rm "$tmp"
	dd if=/data/text of=dd.out bs=7 count=5 2>/dev/null; cat dd.out; echo
	dd if=/data/text bs=1 skip=4 count=5 2>/dev/null; echo
	dd if=/dev/zero bs=512 count=4 2>/dev/null | wc -c
	dd if=/data/text of=dd.sync bs=1000 count=1 conv=sync 2>/dev/null; wc -c <dd.sync
	printf 'abc' | dd of=dd.out conv=notrunc 2>/dev/null; head -c 10 dd.out; echo
	rm dd.out dd.sync
}

# find
sec_find() {
	find /data/tree | sort
	find /data/tree -name '*.txt' | sort
	find /data/tree -type d | sort
	find /data/tree -type f -size +5k | sort
	find /data/tree -type l
	find /data/tree -empty
	find /data/tree -name '*.log' -o -name '*.dat' | sort
	find /data/tree -maxdepth 1 -mindepth 1 | sort
	find /data/tree -path '*b*' -prune -o -type f -print | sort
	find /data/tree -type f -exec wc -l {} + | sort -k2
	find /data/tree -type f -newer /data/tree/top.txt | wc -l
}

# xargs
sec_xargs() {
	find /data/tree -type f | sort | xargs wc -c | tail -1
	find /data/tree -type f -print0 | xargs -0 cat | wc -l
	seq 10 | xargs -n 3 echo
	seq 5 | xargs -I{} echo item {}
	echo a b c | xargs -n1 | sort -r
	printf '%s\n' one two | xargs -t echo 2>&1
}

# tar gzip
sec_tar() {
	cd /data && tar cf "$W/t.tar" tree && cd "$W"
	tar tf t.tar | sort
	tar tvf t.tar | awk '{ print $1, $3, $6 }' | sort -k3
	mkdir out && tar xf t.tar -C out && diff -r /data/tree out/tree && echo tar same
	gzip -c t.tar >t.tar.gz && gunzip -c t.tar.gz | cmp - t.tar && echo gzip round trip
	gzip -9 -c /data/text | gzip -d | md5sum
	zcat t.tar.gz | tar tf - | wc -l
	cp /data/numbers n && gzip n && ls n* && gunzip n.gz && cmp n /data/numbers && echo gunzip ok
	tar czf tz.tgz -C /data tree/a && tar tzf tz.tgz | sort
	tar xzf tz.tgz -C out tree/a/one.txt 2>&1; echo "tar x member: $?"
	bzip2 -c /data/text | bunzip2 | cmp - /data/text && echo bzip2 round trip
	cd /data && find tree -name '*.txt' | sort | cpio -o -H newc 2>/dev/null >"$W/c.cpio"
	cd "$W" && cpio -t <c.cpio 2>/dev/null
	rm -rf out t.tar t.tar.gz tz.tgz c.cpio n
}

# globbing
sec_glob() {
	touch g1.c g2.c g10.c gx.h .hidden
	echo g*.c; echo g?.c; echo g[0-9]*.c; echo *.h; echo *; echo .h*
	echo nomatch*; set -- g*; echo "$# args"
}

[ $# -gt 0 ] || set -- mkdir cp ln stat dd find xargs tar glob
for sec; do
	echo "== $sec"
	"sec_$sec"
done
exit 0
