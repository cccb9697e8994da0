/** No photo over the page unless one was opened from it. */
export default function NoModal() {
  return null;
}
