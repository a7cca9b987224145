/* AfterMap (dashboard/after_map.py): its children are mounted once the map is on screen.
 *
 * Dash's renderer keeps every component of the layout in its store whether React has mounted it
 * or not: callbacks read and write the values of the controls inside an AfterMap from the first
 * request on, and the controls show those values when they mount. Until then the part is an
 * empty box marked busy. assets/desk.js calls release() after the frame that shows the map's first
 * draw (or after 10 s without a map, when it draws the rest of the page anyway; at once in a
 * narrow window), once Mantine's script has run, and whenMounted() to call the page ready only
 * once every AfterMap has mounted its children.
 */
(function () {
  "use strict";
  var React = window.React;
  var released = false;
  var pending = [];   // the AfterMaps on the page still showing their box
  var whenDone = [];  // what waits for every AfterMap to have mounted its children
  function settle() {
    if (released && !pending.length) { whenDone.splice(0).forEach(function (f) { f(); }); }
  }
  function release() {
    if (released) { return; }
    released = true;
    pending.slice().forEach(function (box) { box.mount(); });
    settle();
  }
  function whenMounted(f) { whenDone.push(f); settle(); }

  // Drawn once its "drawn" prop is set through Dash (setProps): Dash then draws it again from its
  // layout as it stands, so its children mount with their current props. (Children mounted from
  // this component's first draw would show the layout's first values, not a control the view
  // callback wrote or a text translated before they mounted.)
  function AfterMap(props) {
    var drawn = !!props.drawn, setProps = props.setProps;
    React.useLayoutEffect(function () {
      if (drawn) { return undefined; }
      var box = {mount: function () { setProps({drawn: true}); }};
      pending.push(box);
      if (released) { setTimeout(box.mount, 0); }  // on the page after the release
      // Run as the box gives way to its children (or leaves the page): the next task finds them
      // mounted.
      return function () {
        pending.splice(pending.indexOf(box), 1);
        setTimeout(settle, 0);
      };
    }, [drawn]);
    if (drawn) { return React.createElement(React.Fragment, null, props.children); }
    return React.createElement("div", {id: props.id, className: "after-map-waiting", "aria-busy": "true"});
  }
  window.sahel_components = Object.assign(window.sahel_components || {}, {AfterMap: AfterMap});
  window.sahelAfterMap = {release: release, whenMounted: whenMounted};
})();
