#pragma once
/* Re-executes the launcher from a sealed in-memory copy of itself unless it already runs from
 * one (CVE-2019-5736). Call first in main(), before fd 3 is read. */
void sealed_exe_ensure(char **argv, char **envp);
