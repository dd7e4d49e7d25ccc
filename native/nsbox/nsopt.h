/* getopt_long as util-linux's unshare and nsenter use it ("+" mode), with glibc's messages:
 * options stop at the first non-option, short options bundle (-fpU), optional arguments must be
 * attached (-m/path, --mount=/path), required ones may follow (-t 123, --target 123), long
 * options may be abbreviated to any unique prefix (--prop). Written out rather than musl's
 * getopt_long because the error lines must read like util-linux's (glibc's) words. */
#ifndef NSBOX_NSOPT_H
#define NSBOX_NSOPT_H

enum nsopt_arg { NSOPT_NONE, NSOPT_REQUIRED, NSOPT_OPTIONAL };

struct nsopt_spec {
  const char *name;   /* long name */
  char short_name;    /* 0: none */
  enum nsopt_arg arg;
  enum nsopt_arg short_arg; /* the short form's (unshare's -n takes no file, --net=FILE does) */
  int id;
};

struct nsopt {
  const struct nsopt_spec *specs;
  int nspecs;
  int argc;
  char **argv;
  int i, j;           /* current word, and position in a bundle of shorts (0: none) */
};

/* Next option's id (value in *value, NULL when none), or -1 once the program starts at
 * argv[o->i]. A bad option ends the command with glibc's message and exit 1. */
int nsopt_next(struct nsopt *o, const char **value);

#endif
