declare module 'swagger-ui-dist/absolute-path.js' {
  /** The folder swagger-ui-dist's browser files are installed in. */
  const getAbsoluteFSPath: () => string;
  export default getAbsoluteFSPath;
}
