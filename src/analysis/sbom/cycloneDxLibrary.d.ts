/**
 * Types for the CycloneDX library's entry points by subpath (its package.json `exports`).
 * Strata's TypeScript resolves modules the older way, which does not read `exports`; the
 * bundler does, and importing the subpaths keeps out of dist/cli.js the library's parts
 * that load optional packages at run time (XML, validation).
 */
declare module '@cyclonedx/cyclonedx-library/Enums' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/enums/index';
}
declare module '@cyclonedx/cyclonedx-library/Models' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/models/index';
}
declare module '@cyclonedx/cyclonedx-library/Serialize' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/serialize/index.node';
}
declare module '@cyclonedx/cyclonedx-library/SPDX' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/spdx';
}
declare module '@cyclonedx/cyclonedx-library/Spec' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/spec/index';
}
