// Public API of the image layer, for the engine and the CLI.
//
//   const store = ImageStore.open(root);            // <root>/image, root defaults to /var/lib/nsbox
//   const img = store.resolve("busybox") ?? (await pullImage(store, "busybox")).image;
//   const cfg = store.config(img).config;            // Entrypoint, Cmd, Env, WorkingDir, User, ...
//   const fs = await store.prepareRootfs(img.id, containerId);  // { rootfsPath, mode, cleanup }
//   ...; await fs.cleanup();                          // or store.releaseRootfs(containerId) later
export { ImageStore, imageRoot, DEFAULT_ROOT, type Image, type RemoveResult } from "./store.ts";
export type { InitLayer, PreparedRootfs, RootfsMode } from "./store/rootfs.ts";
export type { ImageConfig, ContainerConfig, Manifest, Index, Descriptor, Platform } from "./types.ts";
export { parseReference, formatReference, familiarName, type Reference } from "./reference.ts";
export { hostPlatform, parsePlatform, formatPlatform } from "./platform.ts";
export { loadArchive } from "./archive/load.ts";
export { saveImages } from "./archive/save.ts";
export { importRootfs, applyChanges } from "./archive/import.ts";
export { unpackLayer, UnsafeArchiveError } from "./unpack.ts";
export type { Digest } from "./digest.ts";
