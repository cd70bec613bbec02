// Script of the Layers panel webview. The panel itself arrives with its own issue;
// this entry exists so the browser bundle and its build are in place from the start.
export {};
