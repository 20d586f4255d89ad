// Image references: repository, tag and digest, parsed the way container runtimes read them.

export interface ImageRef {
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits "registry:port/path/name:tag@sha256:..." into its parts. */
export function parseImage(image: string): ImageRef {
  const [named, digest] = image.split("@", 2);
  const slash = named.lastIndexOf("/");
  const colon = named.lastIndexOf(":");
  // A colon before the last slash belongs to the registry's port, not to a tag.
  const tag = colon > slash ? named.slice(colon + 1) : undefined;
  return { repository: colon > slash ? named.slice(0, colon) : named, tag, digest };
}

/** Why an image is not pinned, or undefined if it is. */
export function unpinned(image: string, requireDigest: boolean, disallowedTags: readonly string[]): string | undefined {
  const ref = parseImage(image);
  if (ref.digest !== undefined) {
    return /^sha256:[a-f0-9]{64}$/.test(ref.digest) ? undefined : "a malformed digest";
  }
  if (ref.tag === undefined || ref.tag === "") return "no tag";
  if (disallowedTags.includes(ref.tag)) return `the moving tag '${ref.tag}'`;
  if (requireDigest) return "a tag without a digest";
  return undefined;
}
