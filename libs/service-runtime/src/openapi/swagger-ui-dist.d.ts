// swagger-ui-dist ships no types; this is the one function of it the runtime uses (absolute-path.js, which,
// unlike the package's index.js, does not load the browser bundle into Node).
declare module 'swagger-ui-dist/absolute-path.js' {
  /** The directory holding Swagger UI's static files. */
  export default function getAbsoluteFSPath(): string;
}
