/**
 * A machine is referred to by its path (`acme/plant1/machining/line1/turning/cnc-1`) or by any
 * trailing part of it (`cnc-1`, `line1/turning/cnc-1`) that names exactly one machine.
 */
/** `notFound` tells no machine matched from the reference being ambiguous. */
export type MachineLookup = { readonly path: string } | { readonly problem: string; readonly notFound: boolean };

export function findMachine(reference: string, paths: readonly string[]): MachineLookup {
  const wanted = reference.split('/');
  const matches = paths.filter((path) => {
    const segments = path.split('/');
    if (wanted.length > segments.length) return false;
    const offset = segments.length - wanted.length;
    return wanted.every((segment, index) => segments[offset + index] === segment);
  });
  if (matches.length === 1) return { path: matches[0] as string };
  if (matches.length === 0)
    return {
      notFound: true,
      problem: `machine "${reference}" does not exist${
        paths.length > 0
          ? ` (e.g. ${paths
              .slice(0, 3)
              .map((path) => `"${path}"`)
              .join(', ')})`
          : ''
      }`,
    };
  return {
    notFound: false,
    problem: `machine "${reference}" is ambiguous: ${matches
      .slice(0, 4)
      .map((path) => `"${path}"`)
      .join(', ')}${matches.length > 4 ? ', …' : ''}; give more of its path`,
  };
}
