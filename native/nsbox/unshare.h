/* `nsbox unshare`: util-linux unshare(1)'s options (unshare.c) and their meaning as a
 * launch_config (unshare_plan.c). */
#ifndef NSBOX_UNSHARE_H
#define NSBOX_UNSHARE_H
#include "config.h"
#include "nsconfig.h"
#include <stdbool.h>
#include <stdint.h>

struct id_range { uint32_t inner, outer, count; };
enum { MAX_ID_RANGES = 340 }; /* lines the kernel takes in a uid_map */

enum propagation { PROP_PRIVATE, PROP_SLAVE, PROP_SHARED, PROP_UNCHANGED };

struct unshare_opts {
  /* Namespaces to create (index into NS_TYPES), in the order first named, each with the file to
   * persist it on when one was given (--net=FILE; a later bare --net keeps it, as util-linux). */
  int create[NS_COUNT];
  const char *file[NS_COUNT];
  int ncreate;
  bool fork, map_auto;
  const char *mount_proc;          /* NULL: none */
  const char *map_user, *map_group; /* uid/gid or name the caller becomes inside */
  struct id_range map_users[MAX_ID_RANGES], map_groups[MAX_ID_RANGES];
  int nmap_users, nmap_groups;
  enum propagation propagation;
  const char *setgroups;           /* NULL, "allow" or "deny" */
  int kill_child;                  /* signal, 0: none */
  const char *root, *wd;
  bool has_setuid, has_setgid, has_monotonic, has_boottime;
  uint32_t setuid, setgid;
  long long monotonic, boottime;
  char **program;
  int nprogram;
};

int unshare_main(int argc, char **argv, char **envp);
/* The options' meaning: the config to launch (pure but for reading account files and
 * /proc/self/mountinfo when the options need them). Bad values end the command (ns_die). */
void unshare_plan(const struct unshare_opts *o, struct launch_config *cfg, char **envp);
bool unshare_creates(const struct unshare_opts *o, const char *type);

#endif
