#include "nsopt.h"
#include "nsutil.h"
#include <string.h>

static const struct nsopt_spec *find_long(const struct nsopt *o, const char *name, size_t len, const char *word) {
  const struct nsopt_spec *match = NULL;
  int matches = 0;
  for (int k = 0; k < o->nspecs; k++) {
    const struct nsopt_spec *s = &o->specs[k];
    if (strncmp(s->name, name, len)) continue;
    if (strlen(s->name) == len) return s; /* exact */
    match = s;
    matches++;
  }
  if (matches == 1 && len) return match;
  if (matches > 1) {
    size_t cap = 64;
    for (int k = 0; k < o->nspecs; k++) cap += strlen(o->specs[k].name) + 5;
    char *list = ns_alloc(cap);
    for (int k = 0; k < o->nspecs; k++)
      if (!strncmp(o->specs[k].name, name, len)) strcat(strcat(strcat(list, list[0] ? " '--" : "'--"), o->specs[k].name), "'");
    ns_die(1, "option '%s' is ambiguous; possibilities: %s", word, list);
  }
  ns_die(1, "unrecognized option '%s'", word);
}

static const struct nsopt_spec *find_short(const struct nsopt *o, char c) {
  for (int k = 0; k < o->nspecs; k++)
    if (o->specs[k].short_name == c) return &o->specs[k];
  ns_die(1, "invalid option -- '%c'", c);
}

int nsopt_next(struct nsopt *o, const char **value) {
  *value = NULL;
  if (o->j) { /* inside a bundle of short options: -fpU */
    const char *word = o->argv[o->i];
    char c = word[o->j];
    const struct nsopt_spec *s = find_short(o, c);
    const char *attached = word + o->j + 1;
    o->j = *attached ? o->j + 1 : 0;
    if (!o->j) o->i++;
    if (s->short_arg == NSOPT_NONE) return s->id;
    if (*attached) { /* the rest of the word is the argument */
      *value = attached;
      o->j = 0;
      o->i++;
    } else if (s->short_arg == NSOPT_REQUIRED) {
      if (o->i >= o->argc) ns_die(1, "option requires an argument -- '%c'", c);
      *value = o->argv[o->i++];
    }
    return s->id;
  }
  if (o->i >= o->argc) return -1;
  const char *word = o->argv[o->i];
  if (!strcmp(word, "--")) {
    o->i++;
    return -1;
  }
  if (!strncmp(word, "--", 2)) {
    const char *eq = strchr(word, '=');
    size_t len = eq ? (size_t)(eq - word - 2) : strlen(word + 2);
    const struct nsopt_spec *s = find_long(o, word + 2, len, word);
    o->i++;
    if (eq) {
      if (s->arg == NSOPT_NONE) ns_die(1, "option '--%s' doesn't allow an argument", s->name);
      *value = eq + 1;
    } else if (s->arg == NSOPT_REQUIRED) {
      if (o->i >= o->argc) ns_die(1, "option '--%s' requires an argument", s->name);
      *value = o->argv[o->i++];
    }
    return s->id;
  }
  if (word[0] == '-' && word[1]) {
    o->j = 1;
    return nsopt_next(o, value);
  }
  return -1; /* "+" mode: the first non-option starts the program */
}
