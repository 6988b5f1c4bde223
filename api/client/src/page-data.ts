/** The data the server rendered into the page for its script (`<script id="page-data">`). */
export function pageData<T>(root: ParentNode = document): T {
  const element = root.querySelector('#page-data');
  return JSON.parse(element?.textContent ?? '{}') as T;
}
