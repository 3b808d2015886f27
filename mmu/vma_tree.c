// SPDX-License-Identifier: GPL-2.0
/*
 * The VMA set: an AVL tree keyed by vm_start, threaded with a doubly linked
 * address-ordered list, and augmented like Linux's pre-maple-tree
 * rb_subtree_gap: each node knows the largest free gap (below any VMA) in
 * its subtree, so get_unmapped_area() finds a gap in O(log n).
 *
 * The gap "below" a VMA runs from the previous VMA's vm_end_gap() to this
 * one's vm_start_gap(): stack guard gaps count as used space.
 */
#include <stdio.h>

#include "internal.h"

static int height(const struct vm_area_struct *n)
{
	return n ? n->rb_height : 0;
}

static uint64_t subtree_gap(const struct vm_area_struct *n)
{
	return n ? n->rb_subtree_gap : 0;
}

uint64_t vma_gap_of(const struct vm_area_struct *vma)
{
	uint64_t start = vm_start_gap(vma);
	uint64_t prev_end = vma->vm_prev ? vm_end_gap(vma->vm_prev) : 0;

	return start > prev_end ? start - prev_end : 0;
}

static void update(struct vm_area_struct *n)
{
	n->rb_height = 1 + max(height(n->rb_left), height(n->rb_right));
	n->rb_subtree_gap = max(vma_gap_of(n),
				max(subtree_gap(n->rb_left), subtree_gap(n->rb_right)));
}

static void replace_child(struct mm_struct *mm, struct vm_area_struct *parent,
			  struct vm_area_struct *old, struct vm_area_struct *new)
{
	if (!parent)
		mm->mm_rb = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
	if (new)
		new->rb_parent = parent;
}

/* rotate @n's right child up; returns the new subtree root */
static struct vm_area_struct *rotate_left(struct mm_struct *mm, struct vm_area_struct *n)
{
	struct vm_area_struct *r = n->rb_right;

	replace_child(mm, n->rb_parent, n, r);
	n->rb_right = r->rb_left;
	if (r->rb_left)
		r->rb_left->rb_parent = n;
	r->rb_left = n;
	n->rb_parent = r;
	update(n);
	update(r);
	return r;
}

static struct vm_area_struct *rotate_right(struct mm_struct *mm, struct vm_area_struct *n)
{
	struct vm_area_struct *l = n->rb_left;

	replace_child(mm, n->rb_parent, n, l);
	n->rb_left = l->rb_right;
	if (l->rb_right)
		l->rb_right->rb_parent = n;
	l->rb_right = n;
	n->rb_parent = l;
	update(n);
	update(l);
	return l;
}

/* restore balance and augmentation from @n up to the root */
static void fixup(struct mm_struct *mm, struct vm_area_struct *n)
{
	while (n) {
		int bal;

		update(n);
		bal = height(n->rb_left) - height(n->rb_right);
		if (bal > 1) {
			if (height(n->rb_left->rb_left) < height(n->rb_left->rb_right))
				rotate_left(mm, n->rb_left);
			n = rotate_right(mm, n);
		} else if (bal < -1) {
			if (height(n->rb_right->rb_right) < height(n->rb_right->rb_left))
				rotate_right(mm, n->rb_right);
			n = rotate_left(mm, n);
		}
		n = n->rb_parent;
	}
}

/* the list must already hold @vma: its gap depends on vm_prev */
void vma_tree_insert(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct **link = &mm->mm_rb, *parent = NULL;

	while (*link) {
		parent = *link;
		link = vma->vm_start < parent->vm_start ? &parent->rb_left : &parent->rb_right;
	}
	vma->rb_left = vma->rb_right = NULL;
	vma->rb_parent = parent;
	*link = vma;
	fixup(mm, vma);
}

void vma_tree_erase(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *parent = vma->rb_parent, *from;

	if (!vma->rb_left || !vma->rb_right) {
		struct vm_area_struct *child = vma->rb_left ? vma->rb_left : vma->rb_right;

		replace_child(mm, parent, vma, child);
		from = parent;
	} else {
		struct vm_area_struct *s = vma->rb_right;

		while (s->rb_left)
			s = s->rb_left;
		if (s->rb_parent != vma) {
			from = s->rb_parent;
			replace_child(mm, from, s, s->rb_right);
			s->rb_right = vma->rb_right;
			s->rb_right->rb_parent = s;
		} else {
			from = s;
		}
		s->rb_left = vma->rb_left;
		s->rb_left->rb_parent = s;
		replace_child(mm, parent, vma, s);
	}
	vma->rb_left = vma->rb_right = vma->rb_parent = NULL;
	fixup(mm, from);
}

/* @vma's bounds or its predecessor's changed: refresh the gaps above it */
void vma_gap_update(struct mm_struct *mm, struct vm_area_struct *vma)
{
	for (; vma; vma = vma->rb_parent)
		update(vma);
}

struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *n = mm->mm_rb, *best = NULL;

	while (n) {
		if (n->vm_end > addr) {
			best = n;
			if (n->vm_start <= addr)
				break;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return vma && vma->vm_start < end ? vma : NULL;
}

/* place [addr, addr + length) in [gap_start, gap_end) honouring the info */
static bool fit_high(const struct vm_unmapped_area_info *info, uint64_t gap_start,
		     uint64_t gap_end, uint64_t *addr)
{
	uint64_t a;

	gap_start = max(gap_start, info->low_limit);
	gap_end = min(gap_end, info->high_limit);
	/* like mas_empty_area_rev(): room for the length plus any alignment slack */
	if (gap_end < gap_start || gap_end - gap_start < info->length + info->align_mask)
		return false;
	a = gap_end - info->length;
	a -= (a - info->align_offset) & info->align_mask;
	if (a < gap_start)
		return false;
	*addr = a;
	return true;
}

static bool fit_low(const struct vm_unmapped_area_info *info, uint64_t gap_start,
		    uint64_t gap_end, uint64_t *addr)
{
	uint64_t a;

	gap_start = max(gap_start, info->low_limit);
	gap_end = min(gap_end, info->high_limit);
	if (gap_end < gap_start || gap_end - gap_start < info->length + info->align_mask)
		return false;
	a = gap_start + ((info->align_offset - gap_start) & info->align_mask);
	if (a < gap_start || a > gap_end || gap_end - a < info->length)
		return false;
	*addr = a;
	return true;
}

static uint64_t gap_start_below(const struct vm_area_struct *vma)
{
	return vma->vm_prev ? vm_end_gap(vma->vm_prev) : 0;
}

/* highest fit in the subtree at @n, gaps below each node */
static bool search_high(struct vm_area_struct *n, const struct vm_unmapped_area_info *info,
			uint64_t *addr)
{
	if (!n || n->rb_subtree_gap < info->length)
		return false;
	/* gaps in the right subtree and at @n start at or above gap_start_below(n) */
	if (gap_start_below(n) < info->high_limit) {
		if (search_high(n->rb_right, info, addr))
			return true;
		if (fit_high(info, gap_start_below(n), vm_start_gap(n), addr))
			return true;
	}
	/* everything in the left subtree ends at or below vm_start_gap(n) */
	if (vm_start_gap(n) <= info->low_limit)
		return false;
	return search_high(n->rb_left, info, addr);
}

static bool search_low(struct vm_area_struct *n, const struct vm_unmapped_area_info *info,
		       uint64_t *addr)
{
	if (!n || n->rb_subtree_gap < info->length)
		return false;
	if (vm_start_gap(n) > info->low_limit) {
		if (search_low(n->rb_left, info, addr))
			return true;
		if (fit_low(info, gap_start_below(n), vm_start_gap(n), addr))
			return true;
	}
	if (gap_start_below(n) >= info->high_limit)
		return false;
	return search_low(n->rb_right, info, addr);
}

static struct vm_area_struct *last_vma(struct mm_struct *mm)
{
	struct vm_area_struct *n = mm->mm_rb;

	while (n && n->rb_right)
		n = n->rb_right;
	return n;
}

/* Linux's unmapped_area_topdown(): -ENOMEM when nothing fits */
uint64_t unmapped_area_topdown(struct mm_struct *mm, const struct vm_unmapped_area_info *info)
{
	struct vm_area_struct *last = last_vma(mm);
	uint64_t addr;

	if (fit_high(info, last ? vm_end_gap(last) : 0, TASK_SIZE, &addr))
		return addr;
	if (search_high(mm->mm_rb, info, &addr))
		return addr;
	return (uint64_t)-ENOMEM;
}

uint64_t unmapped_area(struct mm_struct *mm, const struct vm_unmapped_area_info *info)
{
	struct vm_area_struct *last = last_vma(mm);
	uint64_t addr;

	if (search_low(mm->mm_rb, info, &addr))
		return addr;
	if (fit_low(info, last ? vm_end_gap(last) : 0, TASK_SIZE, &addr))
		return addr;
	return (uint64_t)-ENOMEM;
}

static int check_node(struct vm_area_struct *n, char *err, size_t errlen, int *count)
{
	int hl, hr;

	if (!n)
		return 0;
	hl = check_node(n->rb_left, err, errlen, count);
	hr = check_node(n->rb_right, err, errlen, count);
	if (hl < 0 || hr < 0)
		return -1;
	(*count)++;
	if ((n->rb_left && n->rb_left->rb_parent != n) ||
	    (n->rb_right && n->rb_right->rb_parent != n)) {
		snprintf(err, errlen, "vma tree: bad parent link at %#lx", (unsigned long)n->vm_start);
		return -1;
	}
	if (n->rb_height != 1 + max(hl, hr) || hl - hr > 1 || hr - hl > 1) {
		snprintf(err, errlen, "vma tree: unbalanced or stale height at %#lx",
			 (unsigned long)n->vm_start);
		return -1;
	}
	if (n->rb_subtree_gap != max(vma_gap_of(n), max(subtree_gap(n->rb_left),
							  subtree_gap(n->rb_right)))) {
		snprintf(err, errlen, "vma tree: stale subtree gap at %#lx",
			 (unsigned long)n->vm_start);
		return -1;
	}
	return n->rb_height;
}

/* tree shape, augmentation, and agreement of the in-order walk with the list */
int vma_tree_check(struct mm_struct *mm, char *err, size_t errlen)
{
	int count = 0;
	struct vm_area_struct *n = mm->mm_rb, *v = mm->mmap;

	if (check_node(mm->mm_rb, err, errlen, &count) < 0)
		return -1;
	if ((uint64_t)count != mm->map_count) {
		snprintf(err, errlen, "vma tree holds %d VMAs, map_count %lu", count,
			 (unsigned long)mm->map_count);
		return -1;
	}
	while (n && n->rb_left)
		n = n->rb_left;
	while (n) {	/* in-order successor walk */
		if (n != v) {
			snprintf(err, errlen, "vma tree and list disagree at %#lx",
				 (unsigned long)n->vm_start);
			return -1;
		}
		v = v->vm_next;
		if (n->rb_right) {
			n = n->rb_right;
			while (n->rb_left)
				n = n->rb_left;
		} else {
			while (n->rb_parent && n->rb_parent->rb_right == n)
				n = n->rb_parent;
			n = n->rb_parent;
		}
	}
	return 0;
}
